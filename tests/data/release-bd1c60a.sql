PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version VALUES('0004');
CREATE TABLE conversations (
	"key" VARCHAR(64) NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	state TEXT NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO conversations VALUES('8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','terminal','{"locale":"vi","mode":"guide","procedure":"khai-sinh","step":"co-vneid","stack":[],"history":[],"ticks":{},"checklist":null,"options":["ans:yes","ans:no","nav:back","nav:docs","nav:stuck","nav:exit"],"paused":null,"last_active":"2026-12-06T18:34:37.938257+00:00","messages":3,"commune":null,"guide_digest":"48eae08b77f21b2e","helper_commune":null,"household":0,"households_day":"","households_today":0,"assisted":null,"answered":"khai-sinh:card:","facet":"","locale_chosen":false,"pending":["ans:yes","ans:no"],"place":""}','2026-12-06 18:34:37.939028');
CREATE TABLE events (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	user VARCHAR(64) NOT NULL, 
	type VARCHAR(32) NOT NULL, 
	intent VARCHAR(64), 
	decision VARCHAR(16), 
	confidence FLOAT, 
	step VARCHAR(64), 
	text TEXT, commune VARCHAR(128), role VARCHAR(16), 
	PRIMARY KEY (id)
);
INSERT INTO events VALUES(1,'2026-12-06 18:34:37.908245','terminal','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','message',NULL,NULL,NULL,NULL,'khai sinh',NULL,'citizen');
INSERT INTO events VALUES(2,'2026-12-06 18:34:37.908245','terminal','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','route','khai-sinh','match',0.64119999999999999218,NULL,NULL,NULL,'citizen');
INSERT INTO events VALUES(3,'2026-12-06 18:34:37.908245','terminal','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','card','khai-sinh',NULL,NULL,NULL,NULL,NULL,'citizen');
INSERT INTO events VALUES(4,'2026-12-06 18:34:37.929864','terminal','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','message',NULL,NULL,NULL,NULL,'1',NULL,'citizen');
INSERT INTO events VALUES(5,'2026-12-06 18:34:37.929864','terminal','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','guide_started','khai-sinh',NULL,NULL,'co-vneid',NULL,NULL,'citizen');
INSERT INTO events VALUES(6,'2026-12-06 18:34:37.938257','terminal','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','message',NULL,NULL,NULL,NULL,'tiếp',NULL,'citizen');
INSERT INTO events VALUES(7,'2026-12-06 18:34:37.938257','terminal','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','step','khai-sinh',NULL,NULL,'co-vneid',NULL,NULL,'citizen');
CREATE TABLE channel_tokens (
	channel VARCHAR(32) NOT NULL, 
	access_token TEXT NOT NULL, 
	refresh_token TEXT NOT NULL, 
	expires_at DATETIME, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (channel)
);
CREATE TABLE helpers (
	user VARCHAR(64) NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	commune VARCHAR(128) NOT NULL, 
	invited_by VARCHAR(64) NOT NULL, 
	joined_at DATETIME NOT NULL, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (user)
);
CREATE TABLE invites (
	code_hash VARCHAR(64) NOT NULL, 
	commune VARCHAR(128) NOT NULL, 
	created_by VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	used_at DATETIME, 
	used_by VARCHAR(64), 
	PRIMARY KEY (code_hash)
);
CREATE TABLE reminders (
	id INTEGER NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	user VARCHAR(64) NOT NULL, 
	chat_id VARCHAR(128) NOT NULL, 
	procedure VARCHAR(64) NOT NULL, 
	locale VARCHAR(8) NOT NULL, 
	created_at DATETIME NOT NULL, 
	due_at DATETIME NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	closed_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE TABLE catalog_versions (
	id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	author VARCHAR(128) NOT NULL, 
	source VARCHAR(255) NOT NULL, 
	summary TEXT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	digest VARCHAR(64) NOT NULL, 
	shipped BOOLEAN NOT NULL, 
	curated BLOB NOT NULL, 
	listing BLOB NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE apscheduler_jobs (
	id VARCHAR(191) NOT NULL, 
	next_run_time FLOAT, 
	job_state BLOB NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE inbox (
	id INTEGER NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	dedupe VARCHAR(64), 
	conversation VARCHAR(64) NOT NULL, 
	received_at DATETIME NOT NULL, 
	not_before DATETIME NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	body TEXT, 
	document BLOB, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_inbox_channel_dedupe UNIQUE (channel, dedupe)
);
INSERT INTO inbox VALUES(1,'terminal',NULL,'8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','2026-12-06 18:34:37.908245','2026-12-06 18:34:37.908245','done',NULL,NULL);
INSERT INTO inbox VALUES(2,'terminal',NULL,'8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','2026-12-06 18:34:37.929864','2026-12-06 18:34:37.929864','done',NULL,NULL);
INSERT INTO inbox VALUES(3,'terminal',NULL,'8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584','2026-12-06 18:34:37.938257','2026-12-06 18:34:37.938257','done',NULL,NULL);
CREATE TABLE outbox (
	id INTEGER NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	chat_id VARCHAR(128) NOT NULL, 
	chat_key VARCHAR(64) NOT NULL, 
	conversation VARCHAR(64) NOT NULL, 
	body TEXT, 
	image BLOB, 
	version VARCHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	lease_until DATETIME, 
	granted_at DATETIME, 
	closed_at DATETIME, 
	reason VARCHAR(64), 
	PRIMARY KEY (id)
);
INSERT INTO outbox VALUES(1,'terminal','','9f151d614c8d9d20797bbf0670dc2f6bd9582ffa08b2141dd0f9bd5718b257bb','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584',NULL,NULL,'b4bcc9390ee5','2026-12-06 18:34:37.909944','delivered',0,'2026-12-06 18:34:37.909944',NULL,NULL,'2026-12-06 18:34:37.927697',NULL);
INSERT INTO outbox VALUES(2,'terminal','','9f151d614c8d9d20797bbf0670dc2f6bd9582ffa08b2141dd0f9bd5718b257bb','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584',NULL,NULL,'b4bcc9390ee5','2026-12-06 18:34:37.930680','delivered',0,'2026-12-06 18:34:37.930680',NULL,NULL,'2026-12-06 18:34:37.934536',NULL);
INSERT INTO outbox VALUES(3,'terminal','','9f151d614c8d9d20797bbf0670dc2f6bd9582ffa08b2141dd0f9bd5718b257bb','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584',NULL,NULL,'b4bcc9390ee5','2026-12-06 18:34:37.930680','delivered',0,'2026-12-06 18:34:37.930680',NULL,NULL,'2026-12-06 18:34:37.936585',NULL);
INSERT INTO outbox VALUES(4,'terminal','','9f151d614c8d9d20797bbf0670dc2f6bd9582ffa08b2141dd0f9bd5718b257bb','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584',NULL,NULL,'b4bcc9390ee5','2026-12-06 18:34:37.939028','delivered',0,'2026-12-06 18:34:37.939028',NULL,NULL,'2026-12-06 18:34:37.942279',NULL);
INSERT INTO outbox VALUES(5,'terminal','','9f151d614c8d9d20797bbf0670dc2f6bd9582ffa08b2141dd0f9bd5718b257bb','8f2066aace23e1e6f723ff59a23435d48ac03cf03b1081f58f14021d3bf9c584',NULL,NULL,'b4bcc9390ee5','2026-12-06 18:34:37.939028','delivered',0,'2026-12-06 18:34:37.939028',NULL,NULL,'2026-12-06 18:34:37.944466',NULL);
CREATE INDEX ix_conversations_channel ON conversations (channel);
CREATE INDEX ix_events_at ON events (at);
CREATE INDEX ix_events_user ON events (user);
CREATE INDEX ix_events_type ON events (type);
CREATE INDEX ix_reminders_user ON reminders (user);
CREATE INDEX ix_reminders_due ON reminders (status, due_at);
CREATE INDEX ix_catalog_versions_status ON catalog_versions (status);
CREATE INDEX ix_apscheduler_jobs_next_run_time ON apscheduler_jobs (next_run_time);
CREATE INDEX ix_inbox_conversation ON inbox (conversation, status, id);
CREATE INDEX ix_inbox_pending ON inbox (status, channel, conversation, id);
CREATE INDEX ix_inbox_received_at ON inbox (received_at);
CREATE INDEX ix_outbox_chat ON outbox (chat_key, status, id);
CREATE INDEX ix_outbox_conversation ON outbox (conversation, status);
CREATE INDEX ix_outbox_pending ON outbox (channel, status, id);
CREATE INDEX ix_outbox_channel_grants ON outbox (channel, granted_at);
CREATE INDEX ix_outbox_chat_grants ON outbox (chat_key, granted_at);
COMMIT;

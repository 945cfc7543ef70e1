"""The bot: engine, conversation state, storage, channels and the composition root."""

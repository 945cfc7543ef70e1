"""Column definitions of the catalog's tabular form, with the Vietnamese help shown to officers.

Officers keep the catalog in Excel, so the curated entries are laid out as eight named tables
(one sheet or CSV file each). Column names are short English snake_case, stable across
versions, because they are the contract between the workbook and the importer; the Vietnamese
explanations below fill the ``huong_dan`` sheet of the blank template.
"""

from __future__ import annotations

from dataclasses import dataclass

from procedures.models import ChannelKind, DocumentForm, FeeChannel, Kind, Level, OnlineLevel, TimeUnit


@dataclass(frozen=True)
class Column:
    """One column: its header, what it means (in Vietnamese) and the values it allows."""

    name: str
    help: str
    choices: tuple[str, ...] = ()
    required: bool = False
    multi: bool = False  # several values, one per line
    optional: bool = False  # may be missing from a file's header: added after files were exported without it
    width: int = 24  # Excel column width in characters


@dataclass(frozen=True)
class Table:
    """One table (sheet / CSV file) of the tabular catalog."""

    name: str
    help: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The header row, in order."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column | None:
        """The column called ``name``, if any."""
        return next((column for column in self.columns if column.name == name), None)


def _values(
    enum: type[Kind | OnlineLevel | Level | ChannelKind | DocumentForm | FeeChannel | TimeUnit],
) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _text(base: str, what: str, required: bool = False, width: int = 40) -> tuple[Column, Column]:
    """The Vietnamese / English pair of columns of one text."""
    needed = " Bắt buộc." if required else ""
    return (
        Column(f"{base}_vi", f"{what} (tiếng Việt).{needed}", required=required, width=width),
        Column(f"{base}_en", f"{what} (tiếng Anh, để phục vụ người dùng chọn tiếng Anh).", width=width),
    )


ENTRY_ID = Column(
    "entry_id",
    "Mã định danh (id) của thủ tục mà dòng này thuộc về, trùng với cột id ở trang procedures.",
    required=True,
    width=22,
)
_FEE_CHANNELS = _values(FeeChannel)

PROCEDURES = Table(
    "procedures",
    "Mỗi dòng là một thủ tục hoặc một hướng dẫn.",
    (
        Column(
            "id",
            "Mã định danh: chữ thường không dấu, số và dấu gạch nối, ví dụ khai-sinh. Bắt buộc, không trùng.",
            required=True,
            width=22,
        ),
        Column(
            "kind",
            "procedure = thủ tục hành chính; guide = hướng dẫn (ví dụ đăng nhập VNeID).",
            _values(Kind),
            required=True,
            width=12,
        ),
        Column(
            "codes",
            "Mã thủ tục quốc gia dạng 1.001193; nhiều mã thì mỗi mã một dòng trong ô (Alt+Enter). "
            "Để trống nếu chưa xác nhận được.",
            multi=True,
            width=14,
        ),
        Column(
            "partial_codes",
            "Những mã trong cột codes mà mục này chỉ hướng dẫn một phần (ví dụ 1.002759: mục chỉ nói về thẻ BHYT, "
            "không nói về sổ BHXH); thẻ thủ tục quốc gia của mã đó vẫn được tìm thấy. Thường để trống.",
            multi=True,
            width=14,
        ),
        *_text("sector", "Lĩnh vực", required=True, width=20),
        *_text("name", "Tên thủ tục", required=True),
        *_text("summary", "Tóm tắt ngắn gọn thủ tục dùng để làm gì, làm ở đâu", required=True, width=60),
        *_text("audience", "Ai thực hiện thủ tục"),
        Column(
            "online_level",
            "Mức dịch vụ trực tuyến (Nghị định 42/2022): toan_trinh, mot_phan hoặc khong. Để trống nếu chưa rõ.",
            _values(OnlineLevel),
            width=14,
        ),
        Column(
            "agency_levels",
            "Cấp thực hiện: xa, tinh, bo, khac; mỗi cấp một dòng trong ô.",
            _values(Level),
            multi=True,
            width=14,
        ),
        *_text("agency", "Cơ quan thực hiện"),
        Column("legal_basis", "Căn cứ pháp lý; mỗi văn bản một dòng trong ô.", multi=True, width=40),
        *_text("result", "Kết quả người dân nhận được"),
        *_text("tracking", "Cách theo dõi hồ sơ sau khi nộp"),
        *_text("deadline", "Thời hạn phải làm thủ tục và hậu quả khi làm muộn (chỉ khi có nguồn)"),
        *_text("validity", "Kết quả có giá trị trong bao lâu (chỉ khi có nguồn)"),
        *_text("preparation", "Những gì cần chuẩn bị trước bước 1"),
        Column(
            "source_url",
            "Trang chính thức (tên miền .gov.vn) là nguồn của thông tin. Bắt buộc.",
            required=True,
            width=40,
        ),
        Column(
            "sources",
            "Nguồn tham khảo cho người biên soạn (không hiển thị cho người dân); mỗi nguồn một dòng.",
            multi=True,
            width=40,
        ),
        Column(
            "last_verified",
            "Ngày kiểm tra thông tin gần nhất, dạng YYYY-MM-DD hoặc DD/MM/YYYY. Bắt buộc.",
            required=True,
            width=14,
        ),
        Column(
            "unverified",
            "Tên các trường chưa xác minh được (ví dụ fees, steps); mỗi tên một dòng.",
            multi=True,
            width=16,
        ),
        Column("keywords", "Từ khóa giúp nhận ra câu hỏi của người dân; mỗi từ khóa một dòng.", multi=True),
        Column("examples", "Câu hỏi mẫu của người dân; mỗi câu một dòng.", multi=True, width=40),
    ),
)

CHANNELS = Table(
    "channels",
    "Các cách thực hiện thủ tục (cổng dịch vụ công, ứng dụng, trực tiếp, bưu chính), theo thứ tự hiển thị.",
    (
        ENTRY_ID,
        Column(
            "kind",
            "portal = cổng dịch vụ công; vneid = ứng dụng VNeID; app = ứng dụng khác; "
            "in_person = nộp trực tiếp; post = bưu chính.",
            _values(ChannelKind),
            required=True,
            width=12,
        ),
        *_text("name", "Tên kênh, ví dụ Cổng Dịch vụ công quốc gia", required=True),
        Column("url", "Đường dẫn chính thức (chỉ tên miền .gov.vn); để trống nếu không có.", width=40),
        *_text("note", "Ghi chú"),
    ),
)

DOCUMENTS = Table(
    "documents",
    "Giấy tờ cần chuẩn bị, theo thứ tự hiển thị.",
    (
        ENTRY_ID,
        Column(
            "id",
            "Mã giấy tờ: chữ thường không dấu, số và dấu gạch nối, ví dụ giay-chung-sinh. Bắt buộc.",
            required=True,
            width=22,
        ),
        *_text("name", "Tên giấy tờ", required=True),
        Column(
            "form",
            "Hình thức: original = bản chính; copy = bản sao; certified_copy = bản sao có chứng thực; "
            "electronic = bản điện tử; original_or_copy = bản chính hoặc bản sao; show = xuất trình.",
            _values(DocumentForm),
            width=16,
        ),
        Column("quantity", "Số bản (số nguyên từ 1 trở lên).", width=10),
        Column("template", "Mã mẫu đơn, tờ khai nếu có, ví dụ CT01.", width=12),
        *_text("condition", "Chỉ cần khi nào (để trống nếu luôn cần)"),
    ),
)

FEES = Table(
    "fees",
    "Phí, lệ phí; mỗi dòng một mức.",
    (
        ENTRY_ID,
        *_text("label", "Tên khoản phí", required=True),
        Column(
            "amount_vnd",
            "Số tiền bằng đồng, số nguyên, chỉ gồm chữ số (ví dụ 50000); 0 = miễn phí; "
            "để trống nếu mức phí do nơi khác quy định (ghi rõ trong note).",
            width=14,
        ),
        Column(
            "channel",
            "Áp dụng cho: any = mọi cách nộp; online = trực tuyến; in_person = trực tiếp; post = bưu chính.",
            _FEE_CHANNELS,
            width=12,
        ),
        *_text("note", "Ghi chú"),
        Column("valid_until", "Mức phí giảm có thời hạn: ngày hết hạn dạng YYYY-MM-DD hoặc DD/MM/YYYY.", width=14),
    ),
)

TIMES = Table(
    "times",
    "Thời hạn giải quyết; mỗi dòng một thời hạn.",
    (
        ENTRY_ID,
        Column("amount", "Thời gian: số lớn hơn 0 (ví dụ 3 hoặc 0.5).", required=True, width=10),
        Column(
            "unit",
            "Đơn vị: hour = giờ; day = ngày; working_day = ngày làm việc.",
            _values(TimeUnit),
            required=True,
            width=14,
        ),
        Column("channel", "Áp dụng cho: any, online, in_person hoặc post.", _FEE_CHANNELS, width=12),
        *_text("note", "Ghi chú"),
    ),
)

STEPS = Table(
    "steps",
    "Các bước hướng dẫn, theo thứ tự; mỗi dòng một bước (một tin nhắn, tối đa 600 ký tự).",
    (
        ENTRY_ID,
        Column(
            "id",
            "Mã bước: chữ thường không dấu, số và dấu gạch nối, không trùng trong cùng thủ tục. Bắt buộc.",
            required=True,
            width=18,
        ),
        *_text("text", "Nội dung bước: một việc cụ thể", required=True, width=60),
        *_text("tip", "Lưu ý, lỗi hay gặp ở bước này"),
        *_text("question", "Câu hỏi có/không (nếu có)"),
        Column(
            "if_yes",
            "Trả lời Có thì đi đến: next (bước sau), end (kết thúc), mã một bước, "
            "guide:<mã hướng dẫn> hoặc guide:<mã hướng dẫn>@<mã bước quay về>.",
            width=18,
        ),
        Column("if_no", "Trả lời Không thì đi đến (giá trị như if_yes).", width=18),
        Column("next", "Nút Tiếp theo đi đến (giá trị như if_yes); để trống là bước sau.", width=14),
        Column("url", "Trang chính thức mở ở bước này (chỉ tên miền .gov.vn).", width=40),
        Column(
            "waits",
            "Ghi x nếu người dân phải chờ nhiều ngày ở bước này (ví dụ chờ cấp thẻ); để trống nếu không.",
            optional=True,
            width=8,
        ),
    ),
)

ALIASES = Table(
    "aliases",
    "Tên gọi thường ngày của thủ tục (ví dụ sổ đỏ, bằng lái); mỗi dòng một tên. Tên gọi của một thẻ thủ tục "
    "trong danh mục quốc gia (cán bộ thêm từ hộp thư câu hỏi chưa trả lời) ghi mã thủ tục ở cột code, để trống "
    "entry_id. Xoá dòng là bỏ tên gọi đó.",
    (
        Column(
            "entry_id",
            "Mã định danh (id) của thủ tục ở trang procedures mà tên gọi thuộc về; để trống khi đã ghi cột code.",
            width=22,
        ),
        Column("lang", "Ngôn ngữ: vi = tiếng Việt; en = tiếng Anh.", ("vi", "en"), required=True, width=8),
        Column("alias", "Tên gọi.", required=True, width=40),
        Column(
            "code",
            "Mã thủ tục quốc gia (ví dụ 1.001234) khi tên gọi thuộc một thẻ của danh mục quốc gia, không phải "
            "một thủ tục ở trang procedures; chỉ dùng tiếng Việt (lang = vi).",
            optional=True,
            width=14,
        ),
    ),
)

EVIDENCE = Table(
    "evidence",
    "Nguồn của từng thông tin: mỗi dòng một thông tin (giấy tờ, cơ quan, một mức phí, một thời hạn...).",
    (
        ENTRY_ID,
        Column(
            "fact",
            "Thông tin nào: documents, agency, channels, online_level, audience, result, tracking, deadline, validity, "
            "steps; "
            "hoặc một dòng phí/thời hạn: fees.0, fees.1, processing_time.0 (đếm từ 0 theo thứ tự ở trang fees, times).",
            required=True,
            width=18,
        ),
        Column(
            "source",
            "Nguồn: mã thủ tục quốc gia (ví dụ 1.014063), tên văn bản pháp luật hoặc trang chính thức (https://...).",
            required=True,
            width=40,
        ),
        Column("checked", "Ngày kiểm tra, dạng YYYY-MM-DD hoặc DD/MM/YYYY. Bắt buộc.", required=True, width=14),
        *_text("hedge", "Lưu ý ngắn cho người dân khi thông tin chưa chắc chắn"),
        Column("note", "Ghi chú cho người biên soạn (không bao giờ hiển thị cho người dân).", width=40),
    ),
)

TABLES: tuple[Table, ...] = (PROCEDURES, CHANNELS, DOCUMENTS, FEES, TIMES, STEPS, ALIASES, EVIDENCE)
TABLE_BY_NAME = {table.name: table for table in TABLES}
# The model field each child table fills, in the order the tables are listed.
CHILD_FIELDS = {
    "channels": "channels",
    "documents": "documents",
    "fees": "fees",
    "times": "processing_time",
    "steps": "steps",
    "evidence": "evidence",
}

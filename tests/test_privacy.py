"""Redaction of personal identifiers and hashing of user ids (Decree 13/2023, Law 91/2025)."""

from __future__ import annotations

import pytest

from bot.storage.privacy import hash_user, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CCCD 001203004567", "CCCD [id]"),
        ("cmnd cũ 024 567 891", "cmnd cũ [id]"),
        ("gọi em 0912345678 nha", "gọi em [phone] nha"),
        ("sdt: 0912 345 678", "sdt: [phone]"),
        ("+84 912.345.678", "[phone]"),
        ("mail nguyen.van.a+dvc@gmail.com nhé", "mail [email] nhé"),
        ("xe biển 29A-123.45 bị phạt", "xe biển [plate] bị phạt"),
        ("biển 51F 12345", "biển [plate]"),
        ("thẻ BHYT GD4797932151234 hết hạn", "thẻ BHYT [insurance] hết hạn"),
        ("lớp 6 năm 2026, lệ phí 50.000 đồng", "lớp 6 năm 2026, lệ phí 50.000 đồng"),
        ("xe cũ 29A-1234 nhé", "xe cũ [plate] nhé"),
        ("stk 19036655778899", "stk [account]"),
        ("số tài khoản 12345678 ngân hàng", "số tài khoản [account] ngân hàng"),
        ("ngân hàng Vietcombank 0071000123456", "ngân hàng Vietcombank [account]"),
        ("chuyển khoản vào tk: 1234 5678 9012", "chuyển khoản vào tk: [account]"),
        ("STK: 0123456789 (BIDV)", "STK: [account] (BIDV)"),
        ("(+84) 912-345-678", "[phone]"),
        ("84912345678", "[phone]"),
        ("0912.345.678", "[phone]"),
        ("tel 024 3825 1234", "tel [phone]"),
        ("the GD 4 79 79 321 51234", "the [insurance]"),
        ("lệ phí 1.000.000 đồng, mã 1.001193, ngày 01/07/2025", "lệ phí 1.000.000 đồng, mã 1.001193, ngày 01/07/2025"),
        # Home addresses: house numbers, lanes, streets and groups go; commune, district, province stay.
        ("số 12 đường Lê Lợi, phường Bến Thành, quận 1", "[address], phường Bến Thành, quận 1"),
        ("nhà em 12/3 Nguyễn Trãi, P.2, Q.5 nhé", "nhà em [address], P.2, Q.5 nhé"),
        ("ngõ 5 phố Huế, Hà Nội", "[address], Hà Nội"),
        ("ở hẻm 45 thì làm sao", "ở [address] thì làm sao"),
        ("tổ 3 ấp 2 xã Tân Thạnh, huyện Cần Giờ", "[address] xã Tân Thạnh, huyện Cần Giờ"),
        ("so nha 7 ngach 12/4 ngo 100 phuong Nghia Do", "[address] phuong Nghia Do"),
        ("số 12 đường Lê Lợi, CCCD 001203004567", "[address], CCCD [id]"),
        ("thôn Đông, xã Vĩnh Ngọc, huyện Đông Anh", "[address], xã Vĩnh Ngọc, huyện Đông Anh"),
        ("khu phố 3, phường Linh Trung, TP Thủ Đức", "[address], phường Linh Trung, TP Thủ Đức"),
        # Passwords and one-time codes, after what they are
        (
            "mật khẩu vneid của tôi là Abc@12345 sao đăng nhập không được",
            "mật khẩu vneid của tôi là [secret] sao đăng nhập không được",
        ),
        ("mã otp vneid gửi về là 482913, nhập vào đâu", "mã otp vneid gửi về là [secret], nhập vào đâu"),
        ("OTP 482913 nhap o dau", "OTP [secret] nhap o dau"),
        ("my password is hunter22", "my password is [secret]"),
        # ... and what only looks like one stays: units, dates, documents, the hotline, a copy.
        ("quên mật khẩu vneid thì làm sao", "quên mật khẩu vneid thì làm sao"),
        ("phường Bến Nghé, Quận 1 cũ", "phường Bến Nghé, Quận 1 cũ"),
        ("quận 3 Hồ Chí Minh, thành phố Thủ Đức", "quận 3 Hồ Chí Minh, thành phố Thủ Đức"),
        ("mẫu số 01, nghị định số 118/2025/NĐ-CP", "mẫu số 01, nghị định số 118/2025/NĐ-CP"),
        ("gọi đường dây nóng, nộp bản sao", "gọi đường dây nóng, nộp bản sao"),
        ("tổ công nghệ số cộng đồng ở Lạng Sơn", "tổ công nghệ số cộng đồng ở Lạng Sơn"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_hash_is_stable_salted_and_one_way() -> None:
    first = hash_user("salt", "telegram", "123456789")
    assert first == hash_user("salt", "telegram", "123456789")
    assert first != hash_user("other", "telegram", "123456789")
    assert first != hash_user("salt", "zalo", "123456789")
    assert "123456789" not in first and len(first) == 64

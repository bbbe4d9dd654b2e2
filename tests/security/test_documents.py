"""Hostile documents for the linker: zip bombs and oversized parts in .docx, DTDs in Word
XML, binary data under a text name, oversize files; each refused quickly with a message."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from aiact_kg import cli, limits, linker

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(document: bytes, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def paragraph_xml(text: str) -> bytes:
    return (f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            "</w:body></w:document>").encode()


def test_a_word_document_is_still_read():
    assert "Article 6" in linker.read_document(docx(paragraph_xml("See Article 6.")), "note.docx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = docx(paragraph_xml("x") + b" " * (60 * 1024 * 1024))
    assert len(bomb) < 200_000
    start = time.monotonic()
    with pytest.raises(linker.DocumentError, match="zip bomb|once unpacked"):
        linker.read_document(bomb, "bomb.docx")
    assert time.monotonic() - start < 2


def test_a_part_whose_header_lies_about_its_size_stops_at_the_limit():
    archive_bytes = docx(paragraph_xml("x") + b" " * (3 * 1024 * 1024))
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        info = archive.getinfo("word/document.xml")
        info.file_size = 1000  # what a forged central directory would say
        with pytest.raises((limits.LimitExceeded, zipfile.BadZipFile)):  # stopped at 1,000 bytes, CRC wrong
            limits.read_zip_part(archive, info, most=1024 * 1024, ratio=10 ** 6)
        info.file_size = 3 * 1024 * 1024 + 200
        with pytest.raises(limits.LimitExceeded, match="once unpacked"):
            limits.read_zip_part(archive, info, most=1024 * 1024, ratio=10 ** 6)


def test_an_oversized_stored_part_is_refused():
    big = docx(paragraph_xml("x" * (51 * 1024 * 1024)), compression=zipfile.ZIP_STORED)
    with pytest.raises(linker.DocumentError, match="once unpacked"):
        linker.read_document(big, "big.docx", max_bytes=None)


@pytest.mark.parametrize("xml", [
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<w:document xmlns:w="' + W.encode() + b'"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>',
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="' + W.encode() + b'"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>',
])
def test_entities_in_word_xml_are_refused(xml):
    with pytest.raises(linker.DocumentError, match="DTD or entities"):
        linker.read_document(docx(xml), "entities.docx")


def test_a_broken_zip_is_a_clear_error():
    with pytest.raises(linker.DocumentError, match="cannot be read|not a Word document"):
        linker.read_document(b"PK\x03\x04" + b"\x00" * 100, "broken.docx")


def test_binary_data_under_a_text_name_is_refused():
    with pytest.raises(linker.DocumentError, match="not text"):
        linker.read_document(bytes(range(256)) * 40, "notes.txt")


def test_the_command_refuses_an_oversize_file_naming_the_flag(tmp_path, capsys):
    path = tmp_path / "big.txt"
    path.write_bytes(b"Article 6. " * (1024 * 1024))
    assert cli.main(["link", str(path)]) == 2
    err = capsys.readouterr().err
    assert "--max-bytes" in err and "Traceback" not in err
    assert cli.main(["link", str(path), "--max-bytes", "1KB"]) == 2


def test_the_link_page_refuses_a_zip_bomb(client):
    bomb = docx(paragraph_xml("x") + b" " * (60 * 1024 * 1024))
    response = client.post("/link", data={"file": (io.BytesIO(bomb), "bomb.docx")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "zip bomb" in response.get_data(as_text=True) or "once unpacked" in response.get_data(as_text=True)

"""Reading Word documents (built here with python-docx): heading styles and outline levels,
bulleted and numbered paragraphs, tables, and clear errors for what is not a readable .docx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from readers.docx import read_docx_source
from readers.formats import read_source
from schemas import InputError, Settings
from workspace.service import extract_brochure

SETTINGS = Settings()


def build_brochure(path: Path) -> Path:
    """Write a small brochure: a title, a project with a description, a partner table and a
    list of work packages, and a table of contents that must be left out."""
    document = docx.Document()
    toc = document.styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Contents", style=toc)
    document.add_heading("Regional innovation projects 2026", 0)
    document.add_heading("HYDROLINK – Hydrogen Logistics Network", 1)
    document.add_paragraph(
        "HYDROLINK plans a network of hydrogen refuelling points for freight along the river "
        "ports of the region and tests them with local hauliers."
    )
    document.add_heading("Project partners", 2)
    table = document.add_table(rows=4, cols=2)
    rows = [
        ("Partner", "Country"),
        ("Polytechnic University of Verona", "Italy"),
        ("Danube Ports Association", "Austria"),
        ("Institute for Energy Systems", "Germany"),
    ]
    for number, (partner, country) in enumerate(rows):
        table.cell(number, 0).text = partner
        table.cell(number, 1).text = country
    document.add_heading("Activities", 2)
    document.add_paragraph("Mapping of the freight routes", style="List Bullet")
    document.add_paragraph("Ports on the Danube", style="List Bullet 2")
    document.add_paragraph("Pilot refuelling station", style="List Number")
    document.save(path)
    return path


def texts(path: Path) -> list[str]:
    return read_docx_source(path, SETTINGS).text.split("\n")


def test_docx_reader_reads_headings_lists_and_tables_in_order(tmp_path: Path) -> None:
    source = read_docx_source(build_brochure(tmp_path / "brochure.docx"), SETTINGS)
    assert source.format == "docx"
    lines = source.text.split("\n")
    assert lines == [
        "Regional innovation projects 2026",
        "HYDROLINK – Hydrogen Logistics Network",
        "HYDROLINK plans a network of hydrogen refuelling points for freight along the river "
        "ports of the region and tests them with local hauliers.",
        "Project partners",
        "Partner\tCountry",
        "Polytechnic University of Verona\tItaly",
        "Danube Ports Association\tAustria",
        "Institute for Energy Systems\tGermany",
        "Activities",
        "- Mapping of the freight routes",
        "  - Ports on the Danube",
        "- Pilot refuelling station",
    ]
    assert {lines[number - 1] for number in source.emphasised_lines} == {
        "Regional innovation projects 2026",
        "HYDROLINK – Hydrogen Logistics Network",
        "Project partners",
        "Activities",
    }
    assert source.line_elements is not None
    assert source.line_elements[lines.index("Danube Ports Association\tAustria")] == (
        "body > tbl:nth-of-type(1) > tr:nth-of-type(3)"
    )


def test_docx_reader_partner_table_gives_the_partners(tmp_path: Path) -> None:
    extraction = extract_brochure(build_brochure(tmp_path / "brochure.docx"))
    assert extraction.document.format == "docx"
    project = next(project for project in extraction.projects if project.acronym == "HYDROLINK")
    assert [partner.name for partner in project.partners] == [
        "Polytechnic University of Verona",
        "Danube Ports Association",
        "Institute for Energy Systems",
    ]
    assert project.partners[0].evidence is not None
    assert project.partners[0].evidence.element == "body > tbl:nth-of-type(1) > tr:nth-of-type(2)"


def test_docx_reader_outline_level_makes_a_heading_of_any_style(tmp_path: Path) -> None:
    document = docx.Document()
    custom = document.styles.add_style("Project name", WD_STYLE_TYPE.PARAGRAPH)
    custom.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="1"/>'))
    document.add_paragraph("AQUAFLOW", style=custom)
    direct = document.add_paragraph("Work package 1: Sensors")
    direct._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="2"/>'))
    document.add_paragraph("Body text of the project.")
    path = tmp_path / "outline.docx"
    document.save(path)
    source = read_docx_source(path, SETTINGS)
    assert source.text.split("\n") == [
        "AQUAFLOW",
        "Work package 1: Sensors",
        "Body text of the project.",
    ]
    assert source.emphasised_lines == frozenset({1, 2})


def test_docx_reader_numbering_on_the_paragraph_nests_by_its_level(tmp_path: Path) -> None:
    document = docx.Document()
    for level, text in [(0, "Partners"), (1, "University of Tarvos"), (2, "Physics")]:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr>'
            )
        )
    path = tmp_path / "numbered.docx"
    document.save(path)
    assert texts(path) == ["- Partners", "  - University of Tarvos", "    - Physics"]


def test_docx_reader_line_breaks_tabs_and_deletions(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("First line")
    paragraph.add_run().add_break()
    paragraph.add_run("Second\tline")
    paragraph._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>gone</w:delText>'
            "</w:r></w:del>"
        )
    )
    path = tmp_path / "breaks.docx"
    document.save(path)
    assert texts(path) == ["First line", "Second line"]


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


OLE = bytes.fromhex("D0CF11E0A1B11AE1")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty (0 bytes)"),
        (b"Plain text, not a Word file.", "is not a Word document (it is not a zip archive"),
        (OLE + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"), "is a password-protected"),
        (OLE + b"\x00" * 512, "is an OLE compound file, not a .docx package"),
        (b"PK\x03\x04" + b"\x00" * 40, "is a damaged zip archive"),
        (make_zip({"notes.txt": b"hello"}), "is a zip archive but not a Word document"),
        (
            make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<broken"}),
            "could not be read as a Word document",
        ),
    ],
    ids=["empty", "not-zip", "encrypted", "old-doc", "damaged-zip", "other-zip", "broken-xml"],
)
def test_docx_reader_bad_input_is_an_input_error_naming_the_file(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(data)
    with pytest.raises(InputError) as raised:
        read_source(path, SETTINGS)
    assert raised.value.path == str(path)
    assert message in str(raised.value)


def test_docx_reader_document_without_text_is_an_input_error(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("")
    path = tmp_path / "blank.docx"
    document.save(path)
    with pytest.raises(InputError, match="has no text in its paragraphs and tables"):
        read_source(path, SETTINGS)


def test_docx_reader_the_size_limits_apply(tmp_path: Path) -> None:
    path = build_brochure(tmp_path / "brochure.docx")
    with pytest.raises(InputError, match="over the limit of 1,000"):
        read_source(path, Settings(max_file_bytes=1000))
    size = path.stat().st_size
    with pytest.raises(InputError, match="bytes of XML, over the limit"):
        read_source(path, Settings(max_file_bytes=size))  # the file fits, its XML does not


def test_docx_reader_reads_the_table_of_contents_style_as_furniture(tmp_path: Path) -> None:
    path = build_brochure(tmp_path / "brochure.docx")
    assert "Contents" not in texts(path)
    body = docx.Document(str(path)).element.body
    assert body.find(qn("w:p")) is not None  # the TOC paragraph is in the file

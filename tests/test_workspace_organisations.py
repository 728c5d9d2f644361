"""Organisation identities in the catalogue: stable ids across brochures and editions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import make_document, make_extraction, make_partner, make_project, names_of

from schemas import BrochureExtraction, InputError
from workspace.catalogue import SCHEMA_VERSION, Catalogue
from workspace.organisations import (
    find_organisations,
    format_organisations,
    read_organisations,
    resolve_in_catalogue,
)


def brochure(*partners: str, project: str = "alpha", sha: str = "1") -> BrochureExtraction:
    """An extraction of one project with these partners."""
    return make_extraction(
        make_project(project, project.title(), partners=[make_partner(name) for name in partners]),
        document=make_document(sha256=sha * 64),
    )


def store(catalogue: Catalogue, name: str, extraction: BrochureExtraction) -> None:
    latest = catalogue.latest(name)
    catalogue.add_edition(
        name,
        extraction,
        source=f"raw/{name}.txt",
        pipeline_version="v",
        previous=latest.number if latest else None,
    )


def ids_by_name(catalogue: Catalogue) -> dict[str, str]:
    return {
        name.name: organisation.id
        for organisation in catalogue.organisations()
        for name in organisation.names
    }


@pytest.fixture
def catalogue(tmp_path: Path) -> Iterator[Catalogue]:
    with Catalogue(tmp_path / "catalogue.sqlite3") as opened:
        yield opened


def test_workspace_organisations_same_id_in_every_brochure(catalogue: Catalogue) -> None:
    extractions = {
        "agency": brochure("Regione Emilia-Romagna", "Confindustria Romagna"),
        "other": brochure("Regione Emilia Romagna", "Confcooperative Romagna", project="beta"),
    }
    resolution = resolve_in_catalogue(catalogue, names_of(extractions))

    ids = {m.name: m.organisation_id for m in resolution.mentions}
    assert ids["Regione Emilia-Romagna"] == ids["Regione Emilia Romagna"]
    assert ids["Confindustria Romagna"] != ids["Confcooperative Romagna"]
    region = next(o for o in catalogue.organisations() if o.id == ids["Regione Emilia Romagna"])
    assert region.brochures == ["agency", "other"]
    assert [(p.brochure, p.project_id) for p in region.projects] == [
        ("agency", "alpha"),
        ("other", "beta"),
    ]


def test_workspace_organisations_next_edition_keeps_ids_through_new_spellings(
    catalogue: Catalogue,
) -> None:
    resolve_in_catalogue(
        catalogue,
        names_of({"agency": brochure("Consorzio Porto Ravenna", "Innovative Secure Technologies")}),
    )
    before = ids_by_name(catalogue)
    # The next edition spells both another way, and the curated name of neither is there.
    resolve_in_catalogue(
        catalogue,
        names_of(
            {"agency": brochure("Consorzio Porto di Ravenna", "Innovative Secure Tehnologies")}
        ),
    )
    after = ids_by_name(catalogue)

    assert after["Consorzio Porto di Ravenna"] == before["Consorzio Porto Ravenna"]
    assert after["Innovative Secure Tehnologies"] == before["Innovative Secure Technologies"]


def test_workspace_organisations_id_survives_an_edition_without_the_organisation(
    catalogue: Catalogue,
) -> None:
    resolve_in_catalogue(catalogue, names_of({"agency": brochure("Alpha Lab")}))
    (alpha,) = catalogue.organisations()
    resolve_in_catalogue(catalogue, names_of({"agency": brochure("Beta Lab")}))
    assert [o.id for o in catalogue.organisations()] == ["beta-lab"]
    assert {o.id for o in catalogue.organisations(current=False)} == {alpha.id, "beta-lab"}

    resolve_in_catalogue(catalogue, names_of({"agency": brochure("Alpha Lab", "Beta Lab")}))
    assert sorted(o.id for o in catalogue.organisations()) == [alpha.id, "beta-lab"]


def test_workspace_organisations_new_organisation_never_takes_an_old_id(
    catalogue: Catalogue,
) -> None:
    resolve_in_catalogue(catalogue, names_of({"agency": brochure("Alpha Lab")}))
    resolve_in_catalogue(catalogue, names_of({"agency": brochure("Gamma Institute")}))
    # Two organisations of one name in two countries: the first keeps the old id (its name,
    # a legal form aside), the other cannot be one with it, and gets a new one.
    partners = [
        make_partner("Alpha Lab S.r.l.", country="Greece"),
        make_partner("Alpha Lab", country="Italy", text="Alpha Lab (Italy)"),
    ]
    extraction = make_extraction(make_project("alpha", "Alpha", partners=partners))
    resolution = resolve_in_catalogue(catalogue, names_of({"agency": extraction}))

    assert [m.organisation_id for m in resolution.mentions] == ["alpha-lab", "alpha-lab-2"]


def test_workspace_organisations_tables_answer_sql(catalogue: Catalogue) -> None:
    extractions = {
        "agency": brochure("CIRI-ICT, Interdepartmental Center of the University of Bologna"),
        "other": brochure("UNIBO", project="tailor"),
    }
    for name, extraction in extractions.items():
        store(catalogue, name, extraction)
    resolve_in_catalogue(catalogue, names_of(extractions))

    database = sqlite3.connect(catalogue.path)
    rows = database.execute(
        "SELECT m.brochure, m.project_id, m.role FROM organisation_mentions AS m "
        "JOIN organisations AS o ON o.id = m.organisation_id "
        "WHERE o.name = 'University of Bologna' ORDER BY m.brochure"
    ).fetchall()
    editions = database.execute("SELECT DISTINCT edition FROM organisation_mentions").fetchall()
    database.close()

    assert rows == [("agency", "alpha", "parent"), ("other", "tailor", "partner")]
    assert editions == [(1,)]


def test_workspace_organisations_catalogue_of_version_2_gets_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    with Catalogue(path) as catalogue:
        store(catalogue, "agency", brochure("Alpha Lab"))
    database = sqlite3.connect(path)
    for table in ("organisation_mentions", "organisation_names", "organisations"):
        database.execute(f"DROP TABLE {table}")
    database.execute("UPDATE schema_version SET version = 2")
    database.commit()
    database.close()

    with Catalogue(path) as catalogue:
        assert [e.number for e in catalogue.editions("agency")] == [1]
        assert catalogue.organisations() == []
        resolve_in_catalogue(catalogue, names_of(catalogue.published_extractions()))
        assert [o.id for o in catalogue.organisations()] == ["alpha-lab"]
    database = sqlite3.connect(path)
    assert database.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    database.close()


def test_workspace_organisations_published_extractions_skip_unpublished(
    catalogue: Catalogue,
) -> None:
    store(catalogue, "agency", brochure("Alpha Lab"))
    catalogue.add_edition(
        "agency",
        brochure("Beta Lab", sha="2"),
        source="raw/agency.txt",
        pipeline_version="v",
        previous=1,
        published=False,
    )
    catalogue.add_edition(
        "draft",
        brochure("Gamma Lab", sha="3"),
        source="raw/draft.txt",
        pipeline_version="v",
        previous=None,
        published=False,
    )

    found = catalogue.published_extractions()
    assert list(found) == ["agency"]
    assert found["agency"].projects[0].partners[0].name == "Alpha Lab"


def test_workspace_organisations_format_lists_and_shows_one(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    with Catalogue(path) as catalogue:
        resolve_in_catalogue(
            catalogue,
            names_of(
                {
                    "agency": brochure(
                        "CRIS Research Centre of the University of Modena and Reggio Emilia",
                        "CRIS Research Center of the University of Modena and Reggio Emilia",
                    )
                }
            ),
        )

    listed = format_organisations(path)
    assert "university-of-modena-and-reggio-emilia" in listed
    assert listed.rstrip().endswith("2 organisations")
    shown = format_organisations(path, "cris research centre of the university of modena")
    assert "[spelling_variant: center ~ centre]" in shown
    assert "parent: University of Modena and Reggio Emilia (from of_phrase)" in shown
    assert "agency / alpha: Alpha" in shown
    assert "part of it: CRIS" in format_organisations(path, "UNIMORE")
    with pytest.raises(InputError, match="no organisation named 'Nobody'"):
        format_organisations(path, "Nobody")
    assert format_organisations(tmp_path / "none.sqlite3").startswith("No organisations yet")


def test_workspace_organisations_find_by_part_of_a_name(catalogue: Catalogue) -> None:
    resolve_in_catalogue(catalogue, names_of({"agency": brochure("Alpha Lab", "Alpha Foundation")}))
    organisations = read_organisations(catalogue.path)

    assert [o.id for o in find_organisations(organisations, "alpha lab")] == ["alpha-lab"]
    assert len(find_organisations(organisations, "alpha")) == 2

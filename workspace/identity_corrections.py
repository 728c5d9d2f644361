"""The reviewer's identity corrections: joins and splits of organisations, in the
`organisation_corrections.yaml` of a corrections folder, beside `corrections.yaml`.

    where (`identity_corrections_paths`, `identity_corrections_in`) -> read and validated
    (`load_identity_corrections_files`; a split the joins contradict is refused) -> applied at
    every resolution (`workspace.organisations.resolve_in_catalogue`)

`add_checked_identity_correction` checks a new correction against the latest organisations of
the catalogue, refusing with the nearest name what names none, before it appends it
(`brochures organisations --join / --split`).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from schemas import InputError
from schemas.corrections import Correction, CorrectionError
from schemas.organisations import (
    IdentityCorrection,
    IdentityCorrectionEntry,
    IdentityCorrections,
    IdentityCorrectionsFile,
    Organisation,
    identity_key,
)
from workspace.catalogue import Catalogue
from workspace.corrections import (
    CORRECTIONS_SUFFIXES,
    IDENTITY_FILE_STEM,
    corrections_root_for,
)
from workspace.entry_files import (
    EntryFile,
    append_entry,
    parse_entries,
    read_entry_file,
    validate_entry,
)
from workspace.export import write_atomic

IDENTITY_FILE = f"{IDENTITY_FILE_STEM}.yaml"


# --- identity corrections: where, reading ------------------------------------------------------


def identity_corrections_paths(catalogue: Catalogue) -> list[Path]:
    """Given the catalogue, return the identity corrections files of its brochures: the
    `organisation_corrections.yaml` (or .yml, .json) of the corrections folder of each
    brochure's latest edition (found as runs find them, `corrections_root_for`), each once.

    Only the brochures whose file is where the catalogue says it was read count; two such files
    in one folder, or one that is a link out of its folder, raise `CorrectionError`."""
    found = []
    for root in _corrections_roots(catalogue):
        path = _identity_file_in(root)
        if path is not None:
            found.append(path)
    return found


def identity_corrections_in(
    catalogue: Catalogue, place: Path | Literal["nearest"] | None
) -> list[Path]:
    """Given the catalogue and where a run reads corrections (a folder; "nearest": each
    brochure's nearest corrections folder; None: nowhere), return the identity corrections
    files it applies."""
    if place is None:
        return []
    if place == "nearest":
        return identity_corrections_paths(catalogue)
    found = _identity_file_in(Path(place))
    return [found] if found is not None else []


def identity_corrections_files(paths: Iterable[Path]) -> list[IdentityCorrectionsFile]:
    """Given identity corrections files, return each with the digest of its bytes."""
    return [
        IdentityCorrectionsFile(
            path=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest()
        )
        for path in paths
    ]


def _corrections_roots(catalogue: Catalogue) -> list[Path]:
    """The corrections folders of the brochures of the catalogue that are where it read them."""
    # Looked for once per folder of brochures, not once per brochure: each look walks up the
    # folders, testing a few names in each.
    one_per_folder: dict[Path, Path] = {}
    for edition in catalogue.latest_editions().values():
        source = Path(edition.source)
        if source.is_file():
            one_per_folder.setdefault(source.resolve().parent, source)
    return sorted({corrections_root_for(source) for source in one_per_folder.values()})


def _identity_file_in(root: Path) -> Path | None:
    """The identity corrections file of a corrections folder, or None when it has none."""
    found = [
        path
        for suffix in CORRECTIONS_SUFFIXES
        if (path := root / f"{IDENTITY_FILE_STEM}{suffix}").is_file()
    ]
    if len(found) > 1:
        raise CorrectionError(
            found[1],
            f"is a second identity corrections file beside {found[0].name}",
            "Keep the entries in one of them.",
        )
    if found and found[0].is_symlink() and not found[0].resolve().is_relative_to(root.resolve()):
        raise CorrectionError(
            found[0],
            f"is a link to {found[0].resolve()}, outside {root}; it is not read",
            "Copy the identity corrections file into the folder instead of linking to it.",
        )
    return found[0] if found else None


def load_identity_corrections_files(paths: Iterable[Path]) -> IdentityCorrections:
    """Given identity corrections files, return all their corrections, file after file; a
    split that the joins of any of them contradict raises `CorrectionError`."""
    corrections = IdentityCorrections()
    for path in paths:
        corrections += load_identity_corrections(path)
    check_consistent(corrections)
    return corrections


def load_identity_corrections(path: Path) -> IdentityCorrections:
    """Given an organisation_corrections.yaml (or .yml, .json), return its validated joins and
    splits. Every problem (syntax, an unknown key, no action or two, a split its joins
    contradict) raises `CorrectionError` naming the file and, where known, the line."""
    path = Path(path)
    return parse_identity_corrections(read_entry_file(path, IDENTITY_CORRECTIONS_FILE), path)


def parse_identity_corrections(text: str, path: Path) -> IdentityCorrections:
    """Given the text of an identity corrections file and its path (for its format and the
    messages), return its validated corrections."""
    entries = [
        IdentityCorrectionEntry(
            correction=validate_entry(IdentityCorrection, raw, path, IDENTITY_CORRECTIONS_FILE),
            file=str(path),
            line=raw.line,
        )
        for raw in parse_entries(path, text, IDENTITY_CORRECTIONS_FILE)
    ]
    corrections = IdentityCorrections(entries=tuple(entries), files=(str(path),))
    check_consistent(corrections)
    return corrections


def _unknown_identity_key(key: str) -> str:
    fix = "Known keys: join, split, from, note."
    if key in Correction.model_fields:
        fix += " Corrections of a brochure's projects go in corrections/<name>.yaml."
    return fix


IDENTITY_CORRECTIONS_FILE = EntryFile(
    what="identity corrections file",
    a_what="an identity corrections file",
    list_fix="Start each entry with '- join: [name, name]', or with '- split: [name]' and "
    "'from: name'.",
    mapping_fix="Write each entry as 'join: [name, name]', or 'split: [name]' with 'from: name'.",
    guide="See 'Organisations' in the README for the joins and splits.",
    known_keys=_unknown_identity_key,
)


def check_consistent(corrections: IdentityCorrections) -> None:
    """Raise `CorrectionError` when a split keeps apart names the joins make one (a join of
    both, or joins that chain them): an organisation cannot be one with a name and apart from
    it. Names and ids are compared case aside."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for entry in corrections.joins:
        keys = [identity_key(name) for name in entry.correction.names]
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
    for split in corrections.splits:
        apart = identity_key(split.correction.split_from or "")
        for name in split.correction.names:
            if find(identity_key(name)) != find(apart):
                continue
            group = find(apart)
            joins = [
                entry.where
                for entry in corrections.joins
                if any(find(identity_key(item)) == group for item in entry.correction.names)
            ]
            raise CorrectionError(
                split.file,
                f"the split of {name!r} from {split.correction.split_from!r} contradicts "
                f"the join{'s' if len(joins) > 1 else ''} at {'; '.join(joins)}, which "
                f"make{'' if len(joins) > 1 else 's'} them one organisation",
                "Remove the split or the join: names cannot be one organisation and apart.",
                line=split.line,
            )


# --- identity corrections: checking and writing --------------------------------------------------


@dataclass(frozen=True)
class AddedIdentityCorrection:
    """An identity correction written: its file, what it does, and the file's corrections."""

    path: Path
    correction: IdentityCorrection
    description: str
    corrections: IdentityCorrections


def identity_corrections_target(catalogue: Catalogue) -> Path:
    """Given the catalogue, return the identity corrections file a new correction goes to: the
    one of its brochures' corrections folder (created when missing). No brochure, or none where
    it was read, raises `InputError`; brochures with several corrections folders raise
    `CorrectionError` (each folder's file is read, but which one to write is the user's)."""
    editions = catalogue.latest_editions()
    if not editions:
        raise InputError(
            catalogue.path, "the catalogue holds no brochure yet", "Run `brochures run` first."
        )
    roots = _corrections_roots(catalogue)
    if not roots:
        raise InputError(
            catalogue.path,
            "no brochure of the catalogue is where it was read, so its corrections folder is "
            "unknown",
            "Run the command from the folder the run was started in.",
        )
    if len(roots) > 1:
        raise CorrectionError(
            catalogue.path,
            "the brochures keep their corrections in several folders: "
            + ", ".join(str(root) for root in roots),
            f"Add the entry by hand to the {IDENTITY_FILE} of one of them; each is read.",
        )
    return _identity_file_in(roots[0]) or roots[0] / IDENTITY_FILE


def check_join(
    organisations: Sequence[Organisation],
    given: Sequence[str],
    note: str | None,
    path: Path,
) -> tuple[IdentityCorrection, str]:
    """Given the latest organisations and the names or ids a reviewer says are one
    organisation, return the join to write and what it does; raise
    `CorrectionError` (with the nearest match) when a name or id is unknown, they are one
    organisation already, one is a person and another not, or a split keeps them apart."""
    found = [_organisation_named(organisations, item, path) for item in given]
    by_id: dict[str, tuple[Organisation, str]] = {}
    for organisation, written_as in found:
        by_id.setdefault(organisation.id, (organisation, written_as))
    if len(by_id) < 2:
        (organisation, _) = found[0]
        raise CorrectionError(
            path,
            f"{', '.join(repr(item) for item in given)} are one organisation already: "
            f"{organisation.name!r} ({organisation.id})",
            "Nothing was written.",
        )
    if len({organisation.type == "person" for organisation, _ in found}) > 1:
        raise CorrectionError(
            path,
            "a person and an organisation cannot be one: "
            + ", ".join(f"{o.name!r} ({o.type or 'no type'})" for o, _ in by_id.values()),
            "Nothing was written.",
        )
    joined = set(by_id)
    for organisation, _ in by_id.values():
        for split in organisation.kept_apart:
            if split.split_from_id in joined and joined & set(split.ids):
                raise CorrectionError(
                    path,
                    f"a split keeps {', '.join(map(repr, split.names))} apart from "
                    f"{split.split_from!r}; the join would undo it",
                    f"Nothing was written; remove that split from {path.name} first.",
                )
    written = [_written_for(o, organisations) if w == o.id else w for o, w in by_id.values()]
    correction = IdentityCorrection.model_validate(
        {"join": written, **({"note": note} if note else {})}
    )
    described = " and ".join(
        f"{name!r} ({identity})" for name, identity in zip(written, by_id, strict=True)
    )
    return correction, f"joins {described} into one organisation"


def check_split(
    organisations: Sequence[Organisation],
    corrections: IdentityCorrections,
    names: Sequence[str],
    split_from: str,
    note: str | None,
    path: Path,
) -> tuple[IdentityCorrection, str]:
    """Given the latest organisations, the identity corrections so far, names and the
    organisation (a name or an id) they are not, return the split to write and what it does;
    raise `CorrectionError` (with the nearest match) when the organisation is unknown, a name
    is not one of its names, the names are all of them, or a join of the file ties them."""
    organisation, written_from = _organisation_named(organisations, split_from, path)
    own = {identity_key(name.name): name.name for name in organisation.names}
    split_off: list[str] = []
    for name in names:
        key = identity_key(name)
        if key in own:
            split_off.append(own[key])
            continue
        holder = next(
            (o for o in organisations if key in {identity_key(n.name) for n in o.names}), None
        )
        if holder is not None:
            raise CorrectionError(
                path,
                f"{name!r} is no name of {organisation.name!r} ({organisation.id}): it is "
                f"one of {holder.name!r} ({holder.id}), already apart",
                "Nothing was written; `brochures organisations NAME` shows an organisation's "
                "names.",
            )
        raise CorrectionError(
            path,
            f"{organisation.name!r} ({organisation.id}) has no name {name!r}"
            + _did_you_mean(name, list(own.values())),
            "Nothing was written; `brochures organisations NAME` shows an organisation's names.",
        )
    split_keys = {identity_key(name) for name in split_off}
    remaining = [name for key, name in own.items() if key not in split_keys]
    if not remaining:
        raise CorrectionError(
            path,
            f"{', '.join(map(repr, split_off))} are every name of {organisation.name!r}: "
            "nothing would remain",
            "Nothing was written; split off only the names that are another organisation.",
        )
    if written_from == organisation.id or identity_key(written_from) in split_keys:
        written_from = _written_for(organisation, organisations, avoid=split_off)
    for entry in corrections.joins:
        items = entry.correction.names
        if not split_keys & {identity_key(item) for item in items}:
            continue
        others = [
            _quietly_named(organisations, item)
            for item in items
            if identity_key(item) not in split_keys
        ]
        if any(found is not None and found.id == organisation.id for found in others):
            raise CorrectionError(
                path,
                f"the join at {entry.where} makes {', '.join(map(repr, split_off))} one with "
                f"{organisation.name!r}; the split would contradict it",
                "Nothing was written; remove that join first.",
            )
    correction = IdentityCorrection.model_validate(
        {"split": split_off, "from": written_from, **({"note": note} if note else {})}
    )
    described = (
        f"splits {', '.join(map(repr, split_off))} from {written_from!r} ({organisation.id}), "
        f"which keeps {', '.join(map(repr, remaining))}"
    )
    return correction, described


def _organisation_named(
    organisations: Sequence[Organisation], given: str, path: Path
) -> tuple[Organisation, str]:
    """The organisation an id or a name (case aside) names, and the id or name as it has it;
    an unknown one raises `CorrectionError` with the nearest name or id."""
    found = _quietly_named(organisations, given)
    if found is None:
        known = [o.id for o in organisations] + [n.name for o in organisations for n in o.names]
        raise CorrectionError(
            path,
            f"no organisation has the name or id {given!r}" + _did_you_mean(given, known),
            "Nothing was written; `brochures organisations` lists the organisations.",
        )
    key = identity_key(given)
    if key == found.id:
        return found, found.id
    holders = [o for o in organisations if key in {identity_key(n.name) for n in o.names}]
    if len(holders) > 1:
        raise CorrectionError(
            path,
            f"{given!r} is a name of several organisations: "
            + ", ".join(holder.id for holder in holders),
            "Nothing was written; give the id of the one you mean.",
        )
    return found, next(n.name for n in found.names if identity_key(n.name) == key)


def _quietly_named(organisations: Sequence[Organisation], given: str) -> Organisation | None:
    """The organisation whose id, or one of whose names, `given` is (case aside), or None."""
    key = identity_key(given)
    by_id = next((o for o in organisations if o.id == key), None)
    if by_id is not None:
        return by_id
    return next((o for o in organisations if key in {identity_key(n.name) for n in o.names}), None)


def _written_for(
    organisation: Organisation, organisations: Sequence[Organisation], avoid: Sequence[str] = ()
) -> str:
    """How a correction names an organisation: by a name of its own that no other organisation
    has (its preferred name first), which lasts when the catalogue is made anew; else its id."""
    avoided = {identity_key(name) for name in avoid}
    others = {
        identity_key(name.name)
        for other in organisations
        if other.id != organisation.id
        for name in other.names
    }
    names = [name.name for name in organisation.names]
    preferred = [organisation.name] if organisation.name in names else []
    for name in [*preferred, *names]:
        if identity_key(name) not in others | avoided:
            return name
    return organisation.id


def _did_you_mean(given: str, known: list[str]) -> str:
    """' (did you mean 'X'?)' for the known name or id nearest to the one given (case aside)."""
    by_key = {identity_key(item): item for item in known}
    nearest = difflib.get_close_matches(identity_key(given), list(by_key), n=1, cutoff=0.6)
    return f" (did you mean {by_key[nearest[0]]!r}?)" if nearest else ""


_NEW_FILE_HEADER = (
    "# The reviewer's joins and splits of organisations, applied at every resolution.\n"
    "# Format: see 'Organisations' in the README.\n"
)


def render_identity_correction_yaml(correction: IdentityCorrection) -> str:
    """Given an identity correction, return it as one YAML list entry ('- join: [...]')."""
    data = correction.model_dump(by_alias=True, exclude_none=True)
    return yaml.safe_dump(
        [data], sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )


def add_identity_correction(path: Path, correction: IdentityCorrection) -> IdentityCorrections:
    """Append an identity correction to its file (created when missing); return the file's
    corrections. The whole file is validated with the new entry before it is written, so a bad
    one leaves the file as it was. YAML keeps its comments; JSON is rewritten."""
    path = Path(path)
    text = read_entry_file(path, IDENTITY_CORRECTIONS_FILE) if path.is_file() else None
    parse_identity_corrections(text or "", path)  # a broken file is reported as it is, first
    data = correction.model_dump(by_alias=True, exclude_none=True)
    yaml_entry = render_identity_correction_yaml(correction)
    updated = append_entry(path, text, data, yaml_entry, _NEW_FILE_HEADER)
    corrections = parse_identity_corrections(updated, path)
    write_atomic(path, updated)
    return corrections


def add_checked_identity_correction(
    catalogue_path: str | Path,
    *,
    join: Sequence[str] | None = None,
    split: Sequence[str] | None = None,
    split_from: str | None = None,
    note: str | None = None,
) -> AddedIdentityCorrection:
    """`brochures organisations --join A B` / `--split NAME --from ORG`: check a join or a
    split against the latest organisations of the catalogue and append it to the identity
    corrections file of the brochures' corrections folder; nothing is written when the check
    refuses (`CorrectionError`, with the nearest match)."""
    with Catalogue(catalogue_path, create=False) as catalogue:
        path = identity_corrections_target(catalogue)
        organisations = catalogue.organisations()
    existing = load_identity_corrections(path) if path.is_file() else IdentityCorrections()
    if join is not None:
        correction, description = check_join(organisations, join, note, path)
    else:
        correction, description = check_split(
            organisations, existing, split or [], split_from or "", note, path
        )
    corrections = add_identity_correction(path, correction)
    return AddedIdentityCorrection(path, correction, description, corrections)

"""`whoami`, `cameo …` and `verify`: identity, cameo profiles and consent, provenance checks.

Refusals (consent, policy, public figures) exit with code 3; bad input with 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from studio.errors import InputError, Location

MODES = ("only-me", "approved", "everyone")


def register(subparsers: argparse._SubParsersAction) -> None:
    who = subparsers.add_parser("whoami", help="show your display name and user id")
    who.add_argument("--name", help="change your display name (your id stays the same)")
    who.set_defaults(func=cmd_whoami)

    verify = subparsers.add_parser("verify", help="read and check an export's C2PA manifest")
    verify.add_argument("file", type=Path, help="an MP4 made by Storyboard Studio (or anyone)")
    verify.add_argument("--json", action="store_true", help="print the full manifest as JSON")
    verify.set_defaults(func=cmd_verify)

    cameo = subparsers.add_parser("cameo", help="cameo profiles and their consent")
    cameo.set_defaults(func=lambda args: (cameo.print_help(), 2)[1])
    sub = cameo.add_subparsers(dest="cameo_command", metavar="ACTION")
    _register_cameo(sub)


def _register_cameo(sub: argparse._SubParsersAction) -> None:
    add = sub.add_parser("add", help="make a cameo of yourself")
    add.add_argument("handle", help="e.g. @maya")
    add.add_argument("--name", required=True, help="display name, e.g. 'Maya Lin'")
    add.add_argument(
        "--image",
        action="append",
        required=True,
        type=Path,
        help="reference image (repeat for more)",
    )
    add.add_argument("--voice", type=Path, help="optional voice sample (wav/flac/ogg/mp3/m4a)")
    add.add_argument(
        "--attest-identity",
        action="store_true",
        help="state that this is your own likeness (required for public figures)",
    )
    add.set_defaults(func=cmd_add)

    sub.add_parser("list", help="cameos on this machine and whether you may use them").set_defaults(
        func=cmd_list
    )

    policy = sub.add_parser("policy", help="show or set who may use your cameo")
    policy.add_argument("handle")
    policy.add_argument("mode", nargs="?", choices=MODES)
    policy.add_argument("--expires", help="YYYY-MM-DD after which nobody may use it, or 'never'")
    policy.add_argument(
        "--restrict",
        action="append",
        metavar="RULE",
        help="e.g. no-advertising, no-political, no-violence, no-romance",
    )
    policy.add_argument("--no-restrictions", action="store_true", help="clear all restrictions")
    policy.set_defaults(func=cmd_policy)

    grant = sub.add_parser("grant", help="approve a user (their id from `whoami`)")
    grant.add_argument("handle")
    grant.add_argument("--to", required=True, metavar="USER_ID")
    grant.add_argument("--name", default="", help="who this is, for your own list")
    grant.add_argument("--until", help="YYYY-MM-DD when this approval ends")
    grant.set_defaults(func=cmd_grant)

    revoke = sub.add_parser("revoke", help="withdraw consent (from one user, or from everyone)")
    revoke.add_argument("handle")
    revoke.add_argument("--from", dest="user", metavar="USER_ID")
    revoke.set_defaults(func=cmd_revoke)

    log = sub.add_parser("log", help="every use of a cameo checked on this machine")
    log.add_argument("handle")
    log.add_argument("--json", action="store_true")
    log.set_defaults(func=cmd_log)

    export = sub.add_parser("export", help="write a cameo file to hand to a collaborator")
    export.add_argument("handle")
    export.add_argument("-o", "--output", required=True, type=Path)
    export.add_argument("--no-log", action="store_true", help="leave the use log out")
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser("import", help="add or update a cameo from a cameo file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=cmd_import)

    remove = sub.add_parser("remove", help="delete this machine's copy of a cameo")
    remove.add_argument("handle")
    remove.set_defaults(func=cmd_remove)


def _store():
    from studio.cameo.store import CameoStore

    return CameoStore()


def _me():
    from studio.cameo.identity import load_identity

    return load_identity()


def cmd_whoami(args: argparse.Namespace) -> int:
    from studio.cameo.identity import set_display_name

    me = set_display_name(args.name) if args.name else _me()
    print(f"{me.display_name}\nuser id: {me.user_id}")
    return 0


def _describe_policy(cameo) -> str:
    record = cameo.record
    if record is None:
        return "no consent record"
    p = record.policy
    parts = [p.mode.value]
    if p.allow:
        parts.append(
            "approved: "
            + ", ".join(
                f"{g.name + ' ' if g.name else ''}{g.user_id}{' until ' + g.until if g.until else ''}"
                for g in p.allow
            )
        )
    if p.deny:
        parts.append("revoked: " + ", ".join(p.deny))
    if p.expires:
        parts.append(f"expires {p.expires}")
    if p.restrictions:
        parts.append("restrictions: " + ", ".join(p.restrictions))
    return "; ".join(parts) + f" (record #{record.seq})"


def cmd_add(args: argparse.Namespace) -> int:
    cameo = _store().create(
        args.handle,
        args.name,
        list(args.image),
        _me(),
        voice=args.voice,
        attest_identity=args.attest_identity,
    )
    print(
        f"created @{cameo.handle} ({cameo.profile.display_name}) with "
        f"{len(cameo.images)} reference image(s); consent: only you. "
        f"Approve others with: storyboard-studio cameo grant @{cameo.handle} --to USER_ID"
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    me = _me()
    cameos = _store().all()
    if not cameos:
        print("no cameos yet: storyboard-studio cameo add @handle --name NAME --image FILE")
        return 0
    for c in cameos:
        owner = (
            "you"
            if c.profile.owner_id == me.user_id
            else f"{c.profile.owner_name or '?'} ({c.profile.owner_id})"
        )
        d = c.decision(me.user_id)
        access = "you may use it" if d.allowed else f"you may not use it: {d.reason}"
        print(
            f"@{c.handle}  {c.profile.display_name}  owner: {owner}\n"
            f"    policy: {_describe_policy(c)}\n    {access}; {len(c.images)} image(s)"
            + (", voice sample" if c.profile.voice else "")
        )
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    store = _store()
    if (
        args.mode is None
        and args.expires is None
        and not args.restrict
        and not args.no_restrictions
    ):
        print(f"@{store.get(args.handle).handle}: {_describe_policy(store.get(args.handle))}")
        return 0
    expires: str | None | bool = False
    if args.expires is not None:
        expires = None if args.expires.lower() == "never" else args.expires
    restrictions = [] if args.no_restrictions else args.restrict
    if restrictions:
        from studio.policy.prompt_policy import default_policy

        known = default_policy().restrictions
        unknown = [r for r in restrictions if r not in known]
        if unknown:
            raise InputError(
                f"unknown restriction {', '.join(unknown)}; known: " + ", ".join(sorted(known)),
                Location(field="restrict"),
            )
    try:
        store.set_policy(
            args.handle, _me(), mode=args.mode, expires=expires, restrictions=restrictions
        )
    except ValueError as exc:
        raise InputError(str(exc), Location(field="expires")) from None
    cameo = store.get(args.handle)
    print(f"@{cameo.handle}: {_describe_policy(cameo)}")
    return 0


def cmd_grant(args: argparse.Namespace) -> int:
    store = _store()
    try:
        store.grant(args.handle, _me(), args.to, name=args.name, until=args.until)
    except ValueError as exc:
        raise InputError(str(exc), Location(field="until")) from None
    cameo = store.get(args.handle)
    print(
        f"@{cameo.handle}: approved {args.to}. {_describe_policy(cameo)}\n"
        f"Send them the cameo file: storyboard-studio cameo export @{cameo.handle} -o FILE"
    )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    store = _store()
    store.revoke(args.handle, _me(), args.user)
    cameo = store.get(args.handle)
    who = args.user or "everyone (you included)"
    print(
        f"@{cameo.handle}: consent withdrawn from {who}, effective now on this machine. "
        f"{_describe_policy(cameo)}\nOther machines see it when they import a new export: "
        f"storyboard-studio cameo export @{cameo.handle} -o FILE"
    )
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    cameo = _store().get(args.handle)
    entries = cameo.log.entries()
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print(f"@{cameo.handle}: no uses yet")
    for e in entries:
        where = " ".join(
            x
            for x in (
                f"project {e.project}" if e.project else "",
                f"shot {e.shot}" if e.shot else "",
            )
            if x
        )
        print(
            f"{e.time}  {e.outcome:<7}  {e.user_name} ({e.user_id})  {e.stage}"
            f"{'  ' + where if where else ''}  [{e.rule}]  {e.prompt[:60]}"
        )
    if not cameo.log.verify_chain():
        print("warning: this log was edited after it was written (its hash chain is broken)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from studio.cameo.transfer import export_cameo

    cameo = _store().get(args.handle)
    export_cameo(cameo, args.output, include_log=not args.no_log)
    print(
        f"wrote @{cameo.handle} with consent record #{cameo.record.seq if cameo.record else '-'}"
        f" to {args.output}"
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from studio.cameo.transfer import import_cameo

    if not args.file.is_file():
        raise InputError("no such file", Location(file=str(args.file)))
    result = import_cameo(_store(), args.file)
    c = result.cameo
    verb = "added" if result.created else ("updated" if result.consent_updated else "kept")
    print(
        f"{verb} @{c.handle} ({c.profile.display_name}, owner {c.profile.owner_id}); "
        f"policy: {_describe_policy(c)}"
        + (
            f"; {result.log_entries_added} use-log entries merged"
            if result.log_entries_added
            else ""
        )
        + (f"\nnote: {result.note}" if result.note else "")
    )
    d = c.decision(_me().user_id)
    print("you may use it" if d.allowed else f"you may not use it: {d.reason}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    store = _store()
    handle = store.get(args.handle).handle
    store.remove(handle)
    print(f"removed this machine's copy of @{handle}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from studio.provenance.manifest import describe, read_manifest

    if not args.file.is_file():
        raise InputError("no such file", Location(file=str(args.file)))
    info = read_manifest(args.file)
    if args.json:
        print(json.dumps({k: v for k, v in info.items()}, indent=2, ensure_ascii=False))
    else:
        print(describe(info))
    return 1 if info["tampered"] else 0

"""The consent and policy guard: called at submit, in the engine before generation, at export.

Defence in depth: the same checks run when a job is submitted (editor, CLI), again on the
engine thread right before the model runs (consent may have been revoked while the job
waited in the queue), and again at export (a clip made with a cameo whose consent has since
been revoked or has expired blocks the export). Every check of a cameo — allowed or refused —
is appended to that cameo's use log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from studio.cameo.detect import detect
from studio.cameo.figures import figure_for_name
from studio.cameo.identity import Identity, load_identity
from studio.cameo.store import CameoStore, StoredCameo
from studio.cameo.takefacts import Resolve, bundle_resolver, used_files
from studio.cameo.uselog import UseEntry, UseLog
from studio.engine.request import GenerationRequest
from studio.errors import PolicyRefusal
from studio.model import Project
from studio.paths import user_data_dir
from studio.policy.prompt_policy import default_policy

MAX_CAMEOS_PER_SHOT = 2


def _cameo_problems(
    cameo: StoredCameo, user: Identity, texts: list[str], now: datetime | None
) -> tuple[str, list[str]]:
    """The decision rule for one cameo and what (if anything) refuses it."""
    decision = cameo.decision(user.user_id, now)
    who = f"@{cameo.handle} ({cameo.profile.display_name})"
    if not decision.allowed:
        advice = f" What you can do: {decision.advice}." if decision.advice else ""
        return decision.rule, [f"{who}: {decision.reason} (rule: {decision.rule}).{advice}"]
    problems = []
    figure = figure_for_name(cameo.profile.display_name) or figure_for_name(cameo.handle)
    if figure and not cameo.profile.attested_identity:
        problems.append(
            f"{who}: this profile claims to be {figure.name}, a public figure, but its "
            "owner did not attest it is their own likeness (rule: public-figure). "
            "What you can do: remove the cameo from the prompt."
        )
    policy = default_policy()
    for restriction in cameo.record.policy.restrictions if cameo.record else []:
        for text in texts:
            hit = policy.check_restriction(restriction, text)
            if hit:
                problems.append(
                    f"{who}: its owner's consent excludes {hit.name} (matched "
                    f'"{hit.matched}"; rule: restriction {restriction}). '
                    "What you can do: rephrase the prompt or remove the cameo."
                )
                break
    return ("restriction" if problems else decision.rule), problems


def _log(
    cameo: StoredCameo,
    user: Identity,
    outcome: str,
    rule: str,
    reason: str,
    stage: str,
    project: str | None,
    shot: str | None,
    prompt: str,
) -> None:
    cameo.log.append(
        UseEntry(
            user_id=user.user_id,
            user_name=user.display_name,
            outcome=outcome,
            rule=rule,
            reason=reason,
            stage=stage,
            project=project,
            shot=shot,
            prompt=prompt[:200],
            handle=cameo.handle,
        )
    )


def check_request(
    request: GenerationRequest,
    *,
    project: str | None = None,
    stage: str = "submit",
    store: CameoStore | None = None,
    now: datetime | None = None,
) -> None:
    """Refuse (PolicyRefusal) a generation the policy or a cameo's consent does not allow.

    On success fills `request.cameos` (handles) and `request.cameo_images` (the first reference
    image of each cameo, then their other images) so the backend can condition on them.
    """
    store = store or CameoStore()
    user = load_identity()
    project = _project_label(project)
    # the cast's descriptions go into the prompt the model sees: checked like the prompt
    described = [ref.description for ref in request.cast]
    texts = [t for t in (request.prompt, request.prompt_b, *described) if t]
    cast_cameos = [ref.cameo for ref in request.cast if ref.cameo]
    found = detect(texts, store.all(), [*request.cameos, *cast_cameos])
    problems: list[str] = []
    policy = default_policy()
    for text in texts:
        violation = policy.check(text)
        if violation:
            problems.append(violation.message())
    for handle in found.unknown:
        problems.append(
            f"@{handle}: there is no cameo with this handle on this machine "
            "(rule: unknown-cameo). What you can do: ask its owner for their cameo "
            "file and run `storyboard-studio cameo import FILE`, or remove the mention."
        )
    if len(found.cameos) > MAX_CAMEOS_PER_SHOT:
        names = ", ".join(f"@{c.handle}" for c in found.cameos)
        problems.append(
            f"a shot can use at most {MAX_CAMEOS_PER_SHOT} cameos, this one uses "
            f"{names} (rule: cameo-limit). What you can do: split it into more shots."
        )
    rules: dict[str, tuple[str, list[str]]] = {}
    for cameo in found.cameos:
        rules[cameo.handle] = _cameo_problems(cameo, user, texts, now)
        problems.extend(rules[cameo.handle][1])
    allowed = [c for c in found.cameos if not rules[c.handle][1]]
    for figure in found.figures:
        if not any(
            figure.is_named(c.profile.display_name) and c.profile.attested_identity for c in allowed
        ):
            problems.append(
                f"the prompt names {figure.name}, a public figure (rule: public-figure). A real "
                "person's likeness needs a verified cameo of them with their consent. What you "
                "can do: remove the name, or use a cameo whose owner approved you."
            )
    outcome = "refused" if problems else "allowed"
    for cameo in found.cameos:
        rule, own = rules[cameo.handle]
        reason = " ".join(own) if own else (" ".join(problems) if problems else "")
        _log(
            cameo,
            user,
            outcome,
            rule if own or not problems else "request-refused",
            reason,
            stage,
            project,
            request.shot_id,
            request.prompt,
        )
    if problems:
        _log_refusal(user, found.unknown, problems, stage, project, request)
        raise PolicyRefusal("generation refused:\n  - " + "\n  - ".join(problems))
    request.cameos = [c.handle for c in found.cameos]
    firsts = [c.images[0] for c in found.cameos]
    rest = [p for c in found.cameos for p in c.images[1:]]
    request.cameo_images = [str(p) for p in firsts + rest]


def cast_problems(
    handles: list[str],
    *,
    project: object = None,
    store: CameoStore | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """Why each cameo of a project's cast cannot act now (no profile on this machine, consent
    refused, revoked or expired), by handle; logged in each cameo's use log like every check."""
    store = store or CameoStore()
    user = load_identity()
    label = _project_label(project)
    out: dict[str, str] = {}
    for handle in dict.fromkeys(h.strip().lstrip("@").lower() for h in handles):
        cameo = store.find(handle)
        if cameo is None:
            out[handle] = (
                f"@{handle}: there is no cameo with this handle on this machine (rule: "
                "unknown-cameo). What you can do: ask its owner for their cameo file and run "
                "`storyboard-studio cameo import FILE`, or remove the cast member."
            )
            continue
        rule, problems = _cameo_problems(cameo, user, [], now)
        reason = " ".join(problems)
        _log(
            cameo, user, "refused" if problems else "allowed", rule, reason, "cast", label, None, ""
        )
        if problems:
            out[handle] = reason
    return out


def _project_label(project: object) -> str | None:
    """Callers pass a project name or path; the editor passes its Project (use its title)."""
    if project is None or isinstance(project, str):
        return project
    return str(getattr(project, "title", project))


def refusals_log() -> UseLog:
    """Every refused request on this machine, cameo or not (unknown @handles, policy)."""
    return UseLog(user_data_dir() / "refusals.jsonl")


def _log_refusal(
    user: Identity,
    unknown: list[str],
    problems: list[str],
    stage: str,
    project: str | None,
    request: GenerationRequest,
) -> None:
    refusals_log().append(
        UseEntry(
            user_id=user.user_id,
            user_name=user.display_name,
            outcome="refused",
            rule="unknown-cameo" if unknown else "refused",
            reason=" ".join(problems),
            stage=stage,
            project=project,
            shot=request.shot_id,
            prompt=request.prompt[:200],
            handle=" ".join(f"@{h}" for h in unknown),
        )
    )


def engine_preflight(project: str | None = None) -> Callable[[GenerationRequest], None]:
    """The check to pass to `Engine.add_preflight`: consent again, right before generation."""

    def check(request: GenerationRequest) -> None:
        check_request(request, project=_project_label(project), stage="engine")

    return check


def check_export(
    project: Project,
    *,
    project_path: str | None = None,
    resolve: Resolve | None = None,
    store: CameoStore | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Refuse an export whose clips use a cameo that is no longer consented (revoked, expired).

    Each video file is hashed and looked up in the consent ledger, so the cameos come from
    what made the file, not from project.json (whose claims are added, never trusted alone).
    Returns the handles of the cameos the export uses, for its C2PA manifest.
    """
    store = store or CameoStore()
    user = load_identity()
    label = project_path or project.title
    resolve = resolve or bundle_resolver(project_path)
    broken = store.ledger.broken_line()
    if broken:
        raise PolicyRefusal(
            f"export refused: the consent ledger {store.ledger.path} was altered (line {broken} "
            "no longer follows the line before it), so which cameos made the takes cannot be "
            "trusted. What you can do: restore the ledger from a backup."
        )
    cameos = store.all()
    by_handle = {c.handle: c for c in cameos}
    by_profile = {c.profile.profile_id: c for c in cameos}
    blocked: list[str] = []
    used_handles: list[str] = []
    for used in used_files(project, resolve, store.ledger):
        take = used.take
        prompt = take.prompt if take else ""
        shot_id = take.shot_id if take else used.clip.shot_id
        found = [*used.claims, *(c.handle for c in detect([prompt], cameos).cameos)]
        targets = {h.strip().lstrip("@").lower(): None for h in found}
        targets = {h: by_handle.get(h) for h in targets}
        for use in used.facts.cameos if used.facts else []:
            cameo = by_profile.get(use.profile_id) if use.profile_id else by_handle.get(use.handle)
            if cameo is None or targets.get(cameo.handle) is None:
                targets[cameo.handle if cameo else use.handle] = cameo
        for handle, cameo in targets.items():
            used_handles.append(handle)
            reason = _export_problem(cameo, user, prompt, now, label, shot_id)
            if reason:
                shot = _shot_text(project, shot_id)
                what = f"take {take.id}" if take else f"media {used.clip.media}"
                blocked.append(
                    f"clip {used.clip.id} on {used.track.name or 'video track'} "
                    f'(shot "{shot}", {what}) uses @{handle}: {reason}'
                )
    if blocked:
        raise PolicyRefusal(
            "export refused: these clips use a cameo whose consent no longer holds:\n  - "
            + "\n  - ".join(blocked)
            + "\nWhat you can do: remove these clips from the timeline, or regenerate their "
            "shots without the cameo, then export again."
        )
    return list(dict.fromkeys(used_handles))


def _shot_text(project: Project, shot_id: str | None) -> str:
    try:
        prompt = project.shot(shot_id).prompt if shot_id else ""
    except KeyError:
        prompt = ""
    return prompt[:60] + ("…" if len(prompt) > 60 else "")


def _export_problem(
    cameo: StoredCameo | None,
    user: Identity,
    prompt: str,
    now: datetime | None,
    project: str | None,
    shot: str | None,
) -> str | None:
    if cameo is None:
        return "this cameo is no longer on this machine"
    rule, problems = _cameo_problems(cameo, user, [prompt], now)
    reason = " ".join(problems)
    _log(
        cameo,
        user,
        "refused" if problems else "allowed",
        rule,
        reason,
        "export",
        project,
        shot,
        prompt,
    )
    return reason or None


def uses_of_my_cameos(store: CameoStore | None = None) -> list[tuple[StoredCameo, UseEntry]]:
    """Every logged use of the cameos the local user owns, newest first (notifications)."""
    store = store or CameoStore()
    me = load_identity().user_id
    out = [(c, e) for c in store.all() if c.profile.owner_id == me for e in c.log.entries()]
    return sorted(out, key=lambda ce: ce[1].time, reverse=True)


__all__ = [
    "cast_problems",
    "check_export",
    "check_request",
    "engine_preflight",
    "uses_of_my_cameos",
]

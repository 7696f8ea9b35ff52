"""Consent: the owner's signed policy for who may use a cameo, and how it is evaluated.

A consent record is valid only if it is signed by the cameo's owner and names that very
profile (id, handle, owner). Anything else — a hand-edited file, a record copied from another
profile, a record signed by someone else — counts as no consent at all. Records carry a
sequence number so a newer record from the owner replaces an older one and an old record
cannot be replayed to undo a revocation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from studio.cameo.signing import user_id_for, verify

if TYPE_CHECKING:
    from studio.cameo.identity import Identity
    from studio.cameo.profile import CameoProfile

RECORD_KIND = "storyboard-studio/consent"


class ConsentMode(StrEnum):
    ONLY_ME = "only-me"
    APPROVED = "approved"  # people the owner approves (allow-list)
    EVERYONE = "everyone"
    WITHDRAWN = "withdrawn"  # all consent revoked, the owner's own use included


def parse_when(text: str) -> datetime:
    """An ISO date (valid through the end of that day, UTC) or date-time (UTC if naive)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.max, tzinfo=UTC)
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date (YYYY-MM-DD) or ISO date-time") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _check_when(value: str | None) -> str | None:
    if value is not None:
        parse_when(value)
    return value


class Grant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str
    name: str = ""
    until: str | None = None  # this approval ends then

    @field_validator("until")
    @classmethod
    def _until(cls, v: str | None) -> str | None:
        return _check_when(v)


class ConsentPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: ConsentMode = ConsentMode.ONLY_ME
    allow: list[Grant] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)
    expires: str | None = None  # all consent ends then
    restrictions: list[str] = Field(default_factory=list)  # e.g. "no-advertising"

    @field_validator("expires")
    @classmethod
    def _expires(cls, v: str | None) -> str | None:
        return _check_when(v)

    def grant_for(self, user_id: str) -> Grant | None:
        return next((g for g in self.allow if g.user_id == user_id), None)


class ConsentRecord(BaseModel):
    """One signed statement of the owner's consent policy for one profile."""

    model_config = ConfigDict(extra="forbid")

    kind: str = RECORD_KIND
    profile_id: str
    handle: str
    owner_id: str
    owner_key: str
    seq: int = Field(ge=0)
    issued: str
    policy: ConsentPolicy
    signature: str = ""

    def signable(self) -> dict:
        return self.model_dump(mode="json")


def issue_record(
    profile: CameoProfile, policy: ConsentPolicy, owner: Identity, previous: ConsentRecord | None
) -> ConsentRecord:
    """A new record signed by the owner, numbered after the previous one."""
    record = ConsentRecord(
        profile_id=profile.profile_id,
        handle=profile.handle,
        owner_id=owner.user_id,
        owner_key=owner.public_key,
        seq=(previous.seq + 1) if previous else 0,
        issued=datetime.now(UTC).isoformat(timespec="microseconds"),
        policy=policy,
    )
    record.signature = owner.sign(record.signable())
    return record


def parse_record(data: object) -> ConsentRecord | None:
    """A record from JSON data, or None when it is not even shaped like one."""
    try:
        return ConsentRecord.model_validate(data)
    except ValidationError:
        return None


def record_problem(record: ConsentRecord | None, profile: CameoProfile) -> str | None:
    """Why a record cannot be trusted for this profile, or None when it verifies."""
    if record is None:
        return "there is no consent record for it"
    if record.kind != RECORD_KIND:
        return "its consent record is not a consent record"
    if user_id_for(record.owner_key) != record.owner_id or record.owner_key != profile.owner_key:
        return "its consent record was not signed by the cameo's owner"
    if not verify(record.signable(), record.owner_key):
        return "its consent record failed the signature check (it was edited or forged)"
    if record.profile_id != profile.profile_id or record.handle != profile.handle:
        return "its consent record belongs to another cameo"
    if record.owner_id != profile.owner_id:
        return "its consent record was not signed by the cameo's owner"
    return None


@dataclass(frozen=True)
class Decision:
    """The answer for one user and one cameo: allowed or not, the rule, and what to do."""

    allowed: bool
    rule: str
    reason: str = ""
    advice: str = ""


def _passed(when: str | None, now: datetime) -> bool:
    return when is not None and parse_when(when) < now


def evaluate(
    profile: CameoProfile, record: ConsentRecord | None, user_id: str, now: datetime | None = None
) -> Decision:
    """May `user_id` use this cameo now? Restrictions on the prompt are checked by the guard."""
    now = now or datetime.now(UTC)
    owner = profile.owner_name or profile.owner_id
    problem = record_problem(record, profile)
    if problem:
        return Decision(
            False,
            "no-valid-consent",
            problem,
            f"ask {owner} to export the cameo again and import the file",
        )
    assert record is not None
    policy = record.policy
    ask = f"ask {owner} ({profile.owner_id}) for consent"
    if policy.mode == ConsentMode.WITHDRAWN:
        return Decision(
            False,
            "withdrawn",
            "its owner has withdrawn all consent",
            "remove the cameo from the prompt"
            if user_id != profile.owner_id
            else f"set a policy again: cameo policy @{profile.handle} only-me",
        )
    if _passed(policy.expires, now):
        return Decision(False, "expired", f"its consent expired on {policy.expires}", ask)
    if user_id in policy.deny:
        return Decision(
            False,
            "denied",
            "its owner has revoked your consent",
            "remove the cameo from the prompt",
        )
    if user_id == profile.owner_id:
        return Decision(True, "owner", "you own this cameo")
    if policy.mode == ConsentMode.EVERYONE:
        return Decision(True, "everyone", "its owner allows everyone")
    if policy.mode == ConsentMode.ONLY_ME:
        return Decision(False, "only-me", "its owner allows only themself to use it", ask)
    grant = policy.grant_for(user_id)
    if grant is None:
        return Decision(False, "not-approved", "you are not on its owner's approved list", ask)
    if _passed(grant.until, now):
        return Decision(False, "expired", f"your approval expired on {grant.until}", ask)
    return Decision(True, "approved", "its owner approved you")

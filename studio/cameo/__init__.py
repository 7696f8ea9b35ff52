"""Cameos: a real person's likeness, used only with their signed, revocable consent.

Import the guard (studio.cameo.guard) for the checks; the store for profiles and consent.
"""

from studio.cameo.consent import ConsentMode, ConsentPolicy, ConsentRecord, Decision
from studio.cameo.identity import Identity, load_identity
from studio.cameo.profile import CameoProfile, normalise_handle
from studio.cameo.store import CameoStore, StoredCameo

__all__ = [
    "CameoProfile",
    "CameoStore",
    "ConsentMode",
    "ConsentPolicy",
    "ConsentRecord",
    "Decision",
    "Identity",
    "StoredCameo",
    "load_identity",
    "normalise_handle",
]

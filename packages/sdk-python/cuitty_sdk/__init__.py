"""Cuitty Deploys preview Python client: signed HTTP + JSON (DESIGN section 4), standard library only."""
from .client import Client, CuittyError, sign, signing_string

__all__ = ["Client", "CuittyError", "sign", "signing_string"]

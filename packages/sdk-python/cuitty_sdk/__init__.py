"""Cuitty Deploys preview Python client: signed HTTP + JSON (docs/design.md section 4), standard library only."""
from .client import Client, CuittyError, sign, signing_string

__all__ = ["Client", "CuittyError", "sign", "signing_string"]

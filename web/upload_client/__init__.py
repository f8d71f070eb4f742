"""A command-line and Python client for the direct-upload API (no Django needed)."""

from upload_client.client import UploadClient, UploadFailed

__all__ = ["UploadClient", "UploadFailed"]

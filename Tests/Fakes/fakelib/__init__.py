"""Shared code for the Workfront and Cloudinary test fakes (standard library only)."""

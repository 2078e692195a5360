"""The roles people hold. Migration 0002_roles gives each group its model permissions."""

PAGE_MANAGERS = "Page managers"
EDITORS = "Editors"
REVIEWERS = "Reviewers"

"""The roles people hold, as groups.

The migration ``reviews/migrations/0002_roles`` gives each group its model
permissions; ``accounts/rules.py`` says which pages each may touch.
"""

PAGE_MANAGERS = "Page managers"
EDITORS = "Editors"
REVIEWERS = "Reviewers"

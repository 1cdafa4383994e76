"""The patient's page behind an emailed link (signed, no sign-in). Views only: calls services."""

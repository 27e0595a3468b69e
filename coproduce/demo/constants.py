"""Values shared by the demo loaders (a module of its own, so that the loaders which
``data.load`` runs can use them without importing ``data``)."""

DEMO_PASSWORD = "Riverside-demo-2026"

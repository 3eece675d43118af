"""Pure view functions: (atlas, view state) -> what a page shows. No callbacks here."""

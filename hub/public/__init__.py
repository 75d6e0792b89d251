"""The public side of labels: the page behind every QR code (`/l/{serial}`), its QR code, its JSON for consumer
apps and the lookup by serial or GTIN. Everything here reads as the `public` principal through hub/queries."""

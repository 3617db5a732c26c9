"""Page builders for the pages that list records: evidence rows, publications, site facts for content pages."""

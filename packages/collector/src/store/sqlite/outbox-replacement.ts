// A backend report that waited beside an attempt in flight (sqlite/ingest.ts) becomes the
// relay's body whenever that attempt ends without delivery, or the row is claimed again
// (its lease expired, or a restart released it).
export const takeReplacement = `payload = COALESCE(replacement, payload),
  purchased_at = COALESCE(json_extract(replacement, '$.purchasedAt'), purchased_at),
  source = IIF(replacement IS NULL, source, 'api'), replacement = NULL`;

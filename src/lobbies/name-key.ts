/**
 * The key two display names are compared by: names whose keys are equal count as the
 * same name in a lobby. The name a client chose is still what everyone sees; the key
 * only decides uniqueness, so "Mallory", "mallory " and "Ｍａｌｌｏｒｙ" cannot share a lobby.
 */
export function nameKey(name: string): string {
  return (
    name
      // Compatibility forms (fullwidth letters, no-break spaces, ligatures) become plain ones.
      .normalize('NFKC')
      // Invisible characters (zero-width space, joiners, soft hyphen) make no visible difference.
      .replace(/\p{Default_Ignorable_Code_Point}/gu, '')
      .replace(/\s+/gu, ' ')
      .trim()
      // Upper then lower approximates Unicode case folding: "ß" meets "SS", "ς" meets "Σ".
      .toUpperCase()
      .toLowerCase()
  );
}

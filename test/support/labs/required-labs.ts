import { describe, it } from 'vitest';

/**
 * Tests that need something from the machine (root, network namespaces, a headless Godot)
 * skip where it is missing, saying why. `.ci/run` installs what they need and sets
 * ORION_REQUIRE_LABS=1: there a missing requirement fails the run instead of hiding it.
 */
export function failIfRequired(lab: string, unavailableReason: string | undefined): void {
  if (unavailableReason === undefined || process.env.ORION_REQUIRE_LABS !== '1') return;
  describe(`${lab} requirements`, () => {
    it('are met, because ORION_REQUIRE_LABS=1 says this run must not skip it', () => {
      throw new Error(`${lab} cannot run here: ${unavailableReason}`);
    });
  });
}

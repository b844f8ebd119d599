package dev.mmapkit;

/**
 * Makes a fault in a mapped access (a SIGBUS: the file was truncated under the mapping, or the
 * device failed) surface inside the accessor that made it, where {@link MappedFile} turns it into
 * {@link MappedFileTruncatedException}.
 *
 * <p>HotSpot turns such a fault into an {@code InternalError}, but in C2-compiled code only
 * asynchronously: it is raised at the thread's next safepoint poll, which after inlining usually
 * lies in the caller's loop, outside any {@code try} of ours, and can even surface in unrelated
 * code later. A call that C2 does not inline has a safepoint poll on its return, and a fault raised
 * there is attributed to the call site. So every accessor calls {@link #afterAccess} inside its
 * {@code try}, right after touching the mapping.
 *
 * <p>It is kept from being inlined by its bytecode size, which exceeds C2's {@code FreqInlineSize}
 * (325 bytes) and C1's {@code C1MaxInlineSize}; the array below exists only for that. The cost is
 * one static call per access: in `random8` (docs/performance.md) `MappedFile.getLong` ran at 62 %
 * of a raw segment read, about 9 ns more per read, against 84–87 % before the barrier. {@code
 * TruncationTest} runs interpreted, C1 and C2 readers and writers against it.
 */
final class FaultBarrier {
  private FaultBarrier() {}

  /**
   * Returns 0 when passed 0, as every caller does; its purpose is the call itself.
   *
   * @param alwaysZero 0; any other value only defeats constant folding
   */
  static int afterAccess(int alwaysZero) {
    if (alwaysZero == 0) return 0;
    int[] bulk = {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
      27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49,
      50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72,
      73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96
    };
    return bulk[alwaysZero & 63];
  }
}

package dev.mmapkit;

import dev.mmapkit.internal.NativeAccess;

/**
 * How a range of a mapped file will be accessed, passed to the kernel with {@code madvise} (and,
 * for {@link #DONT_NEED}, {@code posix_fadvise}) by {@link MappedFile#advise}.
 *
 * <p>For a scan of a file larger than memory that should not push everything else out of the page
 * cache, use {@link MappedFile#sequentialScan(long)}: it reads ahead and drops the pages behind the
 * cursor.
 */
public enum Advice {
  /** The kernel's default: moderate read-ahead around each fault. */
  NORMAL(NativeAccess.MADV_NORMAL),
  /**
   * Pages will be read in order: aggressive read-ahead, and pages behind may be reclaimed sooner.
   */
  SEQUENTIAL(NativeAccess.MADV_SEQUENTIAL),
  /**
   * Pages will be read in no order: no read-ahead, so a cold random 4 KiB read faults in one page,
   * not a 128 KiB window. On a cold file this makes random mapped reads as cheap as {@code pread};
   * on a hot file it makes no difference.
   *
   * <p><b>NOTE</b>: it also disables fault-around, so a sequential pass over a cold file with this
   * advice is many times slower. Lucene made RANDOM its default and reverted it for that reason.
   */
  RANDOM(NativeAccess.MADV_RANDOM),
  /** The range will be needed soon: the kernel starts reading it in asynchronously. */
  WILL_NEED(NativeAccess.MADV_WILLNEED),
  /**
   * The range is not needed any more: this process's page-table entries are dropped and clean pages
   * are removed from the page cache ({@code POSIX_FADV_DONTNEED}). Dirty pages are written first,
   * so no data is lost; pages other processes have mapped stay.
   */
  DONT_NEED(NativeAccess.MADV_DONTNEED);

  final int madvise;

  Advice(int madvise) {
    this.madvise = madvise;
  }
}

package dev.mmapkit;

/**
 * How much of a file or range is in the page cache, as {@code mincore} reports it: a page counts as
 * resident when the kernel holds it in memory, whichever process brought it in.
 *
 * @param pageSize the size of a page in bytes
 * @param pages the number of pages in the range
 * @param residentPages how many of them are in the page cache
 */
public record Residency(long pageSize, long pages, long residentPages) {

  /** Bytes of the range that are resident. */
  public long residentBytes() {
    return residentPages * pageSize;
  }

  /** The resident share, from 0.0 to 1.0 (1.0 for an empty range). */
  public double fraction() {
    return pages == 0 ? 1.0 : (double) residentPages / pages;
  }

  /** The sum of two residencies with the same page size, e.g. of two chunks. */
  public Residency plus(Residency other) {
    return new Residency(pageSize, pages + other.pages, residentPages + other.residentPages);
  }
}

package dev.mmapkit;

import java.io.IOException;

/**
 * Streaming advice for a forward scan of a {@link MappedFile}: reads ahead of the reader and drops
 * the pages behind it, so that scanning a file many times larger than memory keeps only about three
 * windows of it resident and leaves the rest of the page cache alone.
 *
 * {@snippet :
 * try (MappedFile file = MappedFile.open(path); SequentialScan scan = file.sequentialScan(64 << 20)) {
 *   for (long pos = 0; pos < file.size(); pos += 1 << 20) {
 *     scan.advanceTo(pos);              // cheap unless a window boundary is crossed
 *     process(file.slice(pos, Math.min(1 << 20, file.size() - pos)));
 *   }
 * }
 * }
 *
 * <p>At each window boundary it asks for the next window ({@code MADV_WILLNEED}) and evicts what
 * lies more than a window behind ({@code MADV_DONTNEED} + {@code POSIX_FADV_DONTNEED}). Pages that
 * other processes map stay cached. Without native access it does nothing and the scan proceeds with
 * the kernel's default read-ahead.
 *
 * <p>Not thread-safe: one scan per reading thread. {@link #close()} drops what the scan has left
 * resident behind it up to the last position.
 */
public final class SequentialScan implements AutoCloseable {
  private final MappedFile file;
  private final long window;
  private long requestedUpTo;
  private long droppedUpTo;
  private long position;

  SequentialScan(MappedFile file, long window) throws IOException {
    long page = file.pageSize();
    if (window < page) {
      throw new IllegalArgumentException(
          "window must be at least one page (" + page + "), was " + window);
    }
    this.file = file;
    this.window = window - window % page;
    file.advise(0, file.size(), Advice.SEQUENTIAL);
  }

  /** The read-ahead and drop-behind distance, rounded down to a page. */
  public long window() {
    return window;
  }

  /**
   * Reports that the reader has reached {@code position}. Issues read-ahead and eviction when the
   * position crosses a window boundary; otherwise costs a comparison.
   *
   * @throws IllegalArgumentException if {@code position} is outside the file
   */
  public void advanceTo(long position) throws IOException {
    if (position < 0 || position > file.size()) {
      throw new IllegalArgumentException(
          "position " + position + " is outside " + file.path() + " of size " + file.size());
    }
    this.position = position;
    long size = file.size();
    if (position + window > requestedUpTo && requestedUpTo < size) {
      long from = Math.max(requestedUpTo, position);
      long to = Math.min(size, from + 2 * window);
      file.advise(from, to - from, Advice.WILL_NEED);
      requestedUpTo = to;
    }
    long dropTo = position - window;
    if (dropTo - droppedUpTo >= window) {
      file.evict(droppedUpTo, dropTo - droppedUpTo);
      droppedUpTo = dropTo;
    }
  }

  /** Drops everything behind the last reported position. */
  @Override
  public void close() throws IOException {
    if (position > droppedUpTo) {
      file.evict(droppedUpTo, position - droppedUpTo);
      droppedUpTo = position;
    }
  }
}

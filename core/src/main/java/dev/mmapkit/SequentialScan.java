package dev.mmapkit;

import java.io.IOException;

/**
 * Streaming advice for a forward scan of a {@link MappedFile}: reads ahead of the reader and drops
 * the pages behind it, so that scanning a file many times larger than memory keeps only a few
 * windows of it resident and leaves the rest of the page cache alone.
 *
 * {@snippet :
 * try (MappedFile file = MappedFile.open(path); SequentialScan scan = file.sequentialScan(64 << 20)) {
 *   for (long pos = 0; pos < file.size(); pos += 1 << 20) {
 *     scan.advanceTo(pos);              // cheap unless a read-ahead or eviction step is due
 *     process(file.slice(pos, Math.min(1 << 20, file.size() - pos)));
 *   }
 * }
 * }
 *
 * <p>It keeps {@code [position, position + window)} requested ({@code MADV_WILLNEED}), topping the
 * request up every {@code window / READ_AHEAD_STEPS} bytes so that the kernel always has reads in
 * flight ahead of the reader, and evicts ({@link MappedFile#evict}) what lies more than {@code
 * window} behind the position, {@code window} at a time. The file's resident pages therefore stay
 * within three windows ({@code window} behind, up to {@code window} more waiting to be dropped, and
 * the one requested window ahead), plus the kernel's own read-ahead ({@code read_ahead_kb}) and
 * whatever the reader touches between two calls of {@link #advanceTo}. Pages that other processes
 * map stay cached. Without native access it does nothing and the scan proceeds with the kernel's
 * default read-ahead.
 *
 * <p>Not thread-safe: one scan per reading thread. {@link #close()} drops what the scan has left
 * resident behind it up to the last position.
 */
public final class SequentialScan implements AutoCloseable {
  /** How many windows ahead of the position are kept requested. */
  static final int AHEAD_WINDOWS = 1;

  /** The read-ahead is topped up whenever {@code window / READ_AHEAD_STEPS} of it is missing. */
  static final int READ_AHEAD_STEPS = 8;

  private final MappedFile file;
  private final long window;
  private final long ahead;
  private final long step;
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
    this.ahead = AHEAD_WINDOWS * this.window;
    long s = this.window / READ_AHEAD_STEPS;
    this.step = Math.max(page, s - s % page);
    file.advise(0, file.size(), Advice.SEQUENTIAL);
  }

  /** The read-ahead and drop-behind distance, rounded down to a page. */
  public long window() {
    return window;
  }

  /**
   * Reports that the reader has reached {@code position}. Tops up the read-ahead when a step of it
   * is missing and evicts when a whole window lies behind the drop-behind distance; otherwise costs
   * two comparisons.
   *
   * @throws IllegalArgumentException if {@code position} is outside the file
   */
  public void advanceTo(long position) throws IOException {
    long size = file.size();
    if (position < 0 || position > size) {
      throw new IllegalArgumentException(
          "position " + position + " is outside " + file.path() + " of size " + size);
    }
    this.position = position;
    long want = Math.min(size, position + ahead);
    long from = Math.max(requestedUpTo, position);
    if (want - from >= step || (want == size && want > from)) {
      file.advise(from, want - from, Advice.WILL_NEED);
      requestedUpTo = want;
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

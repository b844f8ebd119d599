package dev.mmapkit.cli;

import dev.mmapkit.log.AppendLog;
import dev.mmapkit.log.LogConfig;
import dev.mmapkit.log.LogReader;
import dev.mmapkit.log.LogStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mmapkit log tail DIR}: prints records (position, length, the first bytes) from a position,
 * a sequence number or a time, and with {@code --follow} keeps printing as they are appended.
 *
 * <p>If the log cannot place the sequence number or time yet (past the end, or behind a record
 * still being written), it reads from the first record and starts printing at the first one that
 * matches, so committed records behind a pending one are not skipped.
 *
 * <p><b>NOTE</b>: it opens the log like any reader, so if no other process has the log open,
 * recovery runs first (and may cut a torn last record).
 */
@Command(
    name = "tail",
    description = "Print a log's records: position, length and the first bytes of each.")
final class LogTailCommand implements Callable<Integer> {
  private static final int PREVIEW = 32;

  @Parameters(index = "0", paramLabel = "DIR", description = "The log directory.")
  Path dir;

  @Option(
      names = "--from",
      paramLabel = "POS",
      description = "Start at this record position (default: the first record).")
  Long from;

  @Option(
      names = "--from-seq",
      paramLabel = "N",
      description = "Start at the record with this sequence number (records count from 0).")
  Long fromSequence;

  @Option(
      names = "--from-time",
      paramLabel = "T",
      description =
          "Start at the first record appended at or after T (ISO-8601, e.g."
              + " 2026-11-26T12:00:00Z, or epoch milliseconds).")
  String fromTime;

  @Option(names = "--follow", description = "Keep printing records as they are appended.")
  boolean follow;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    LogStats.read(dir); // refuses a directory that holds no log instead of creating one
    PrintWriter out = spec.commandLine().getOut();
    int starts =
        (from != null ? 1 : 0) + (fromSequence != null ? 1 : 0) + (fromTime != null ? 1 : 0);
    if (starts > 1) {
      throw new ParameterException(
          spec.commandLine(), "give at most one of --from, --from-seq and --from-time");
    }
    if (fromSequence != null && fromSequence < 0) {
      throw new ParameterException(
          spec.commandLine(), "--from-seq must be 0 or more, was " + fromSequence);
    }
    Instant time = fromTime == null ? null : parseTime(fromTime);
    try (AppendLog log = AppendLog.open(dir, LogConfig.defaults())) {
      Start start = start(log, time);
      LogReader reader = start.reader();
      boolean[] printing = {start.filter() == Filter.NONE};
      while (true) {
        reader.poll(
            (position, payload) -> {
              if (!printing[0]) printing[0] = start.reached(reader, fromSequence, time);
              if (printing[0]) {
                out.println(position + "\t" + payload.byteSize() + "\t" + preview(payload));
              }
            });
        out.flush();
        if (!follow) break;
        reader.await(1, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  /** How the first record to print is recognised among those the reader hands out. */
  private enum Filter {
    /** The reader starts at it. */
    NONE,
    /** The first record numbered {@code --from-seq} or higher. */
    SEQUENCE,
    /** The first record stamped at or after {@code --from-time}. */
    TIME
  }

  /** Where reading starts, and what the records before the first one to print look like. */
  private record Start(LogReader reader, Filter filter) {
    boolean reached(LogReader reader, Long sequence, Instant time) {
      return switch (filter) {
        case NONE -> true;
        case SEQUENCE -> reader.sequence() >= sequence;
        case TIME -> !reader.timestamp().isBefore(time);
      };
    }
  }

  /**
   * A seek answers empty both past the end and while a record before the target is still being
   * written (a pending claim): then the records from the target on may already be committed behind
   * it. So an empty seek starts at the first record and recognises the target as it comes, rather
   * than at the end, where those records (and any appended meanwhile) would be missed.
   */
  private Start start(AppendLog log, Instant time) throws IOException {
    if (from != null) return new Start(log.tailer(from), Filter.NONE);
    if (fromSequence != null) {
      OptionalLong p = log.positionOfSequence(fromSequence);
      return p.isPresent()
          ? new Start(log.tailer(p.getAsLong()), Filter.NONE)
          : new Start(log.reader(), Filter.SEQUENCE);
    }
    if (time != null) {
      OptionalLong p = log.positionAtOrAfter(time);
      return p.isPresent()
          ? new Start(log.tailer(p.getAsLong()), Filter.NONE)
          : new Start(log.reader(), Filter.TIME);
    }
    return new Start(log.reader(), Filter.NONE);
  }

  private Instant parseTime(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(text));
      } catch (NumberFormatException e2) {
        throw new ParameterException(
            spec.commandLine(),
            "--from-time: '"
                + text
                + "' is neither an ISO-8601 instant (2026-11-26T12:00:00Z) nor epoch milliseconds");
      }
    }
  }

  /** The first bytes as text if they are printable ASCII, else as hex. */
  static String preview(MemorySegment payload) {
    int n = (int) Math.min(PREVIEW, payload.byteSize());
    byte[] b = payload.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    boolean text = true;
    for (byte x : b) text &= x >= 0x20 && x < 0x7F;
    StringBuilder s = new StringBuilder();
    if (text) {
      s.append('"').append(new String(b, java.nio.charset.StandardCharsets.US_ASCII)).append('"');
    } else {
      for (byte x : b) s.append(String.format("%02x", x));
    }
    if (payload.byteSize() > n) s.append("...");
    return s.toString();
  }
}

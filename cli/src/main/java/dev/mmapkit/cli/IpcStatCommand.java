package dev.mmapkit.cli;

import static dev.mmapkit.cli.Main.JSON_DECIMALS;

import dev.mmapkit.Bytes;
import dev.mmapkit.internal.Json;
import dev.mmapkit.ipc.Broadcast;
import dev.mmapkit.ipc.BroadcastDescriptor;
import dev.mmapkit.ipc.BroadcastStats;
import dev.mmapkit.ipc.RingBufferStats;
import dev.mmapkit.ipc.RingBuffers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mmapkit ipc stat FILE [--json]}: a ring's capacity, positions, backlog, counters, waiters
 * and consumer heartbeat age, or a broadcast's transmitter position, counters and receivers (their
 * positions, lag and lapped counts), read live from the file through a read-only mapping. The kind
 * of file is taken from its header.
 */
@Command(
    name = "stat",
    description =
        "Show a ring buffer's capacity, positions, backlog, counters, waiters and consumer"
            + " heartbeat, or a broadcast's transmitter, counters and receivers, read live from the"
            + " file (read-only).")
final class IpcStatCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "FILE",
      description = "The ring buffer or broadcast file, e.g. /dev/shm/orders.")
  Path file;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (isBroadcast(file)) return broadcast();
    RingBufferStats stats = RingBuffers.readStats(file);
    long now = System.currentTimeMillis();
    Long heartbeatAge = stats.heartbeatMillis() == 0 ? null : now - stats.heartbeatMillis();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("file", file.toString());
    report.put("type", stats.manyToOne() ? "many-to-one" : "one-to-one");
    report.put("capacity", stats.capacity());
    report.put("producerPosition", stats.producerPosition());
    report.put("consumerPosition", stats.consumerPosition());
    report.put("backlog", stats.backlog());
    report.put("recordsWritten", stats.recordsWritten());
    report.put("recordsRead", stats.recordsRead());
    report.put("recordBacklog", stats.recordBacklog());
    report.put("bytesWritten", stats.producerPosition());
    report.put("backPressureEvents", stats.backPressureEvents());
    report.put("unblocks", stats.unblocks());
    report.put("wakeUps", stats.wakeUps());
    report.put("waiters", stats.waiters());
    report.put("producers", stats.producers());
    report.put("consumerPid", stats.consumerPid());
    report.put("heartbeatAgeMillis", heartbeatAge);
    report.put("pidNamespaces", stats.pidNamespaces());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(report, JSON_DECIMALS));
      return 0;
    }
    Table table = new Table("ring", file.toString());
    table.row("type", (String) report.get("type"));
    table.row("capacity", Bytes.format(stats.capacity()));
    table.row("producer position", Long.toString(stats.producerPosition()));
    table.row("consumer position", Long.toString(stats.consumerPosition()));
    table.row("backlog", Bytes.format(stats.backlog()));
    table.row("records written", Long.toString(stats.recordsWritten()));
    table.row("records read", Long.toString(stats.recordsRead()));
    table.row("bytes written", Bytes.format(stats.producerPosition()));
    table.row("back-pressure events", Long.toString(stats.backPressureEvents()));
    table.row("dead claims unblocked", Long.toString(stats.unblocks()));
    table.row("wake-ups", Long.toString(stats.wakeUps()));
    table.row("waiters", Integer.toString(stats.waiters()));
    table.row("producer processes", Integer.toString(stats.producers()));
    table.row("consumer pid", stats.consumerPid() == 0 ? "-" : Long.toString(stats.consumerPid()));
    table.row("heartbeat age", heartbeatAge == null ? "never read" : heartbeatAge + " ms");
    table.row("pid namespaces", pidNamespaces(stats.pidNamespaces()));
    table.print(out);
    return 0;
  }

  /** The PID namespaces row: above one, nobody's liveness is judged (docs/ipc.md). */
  private static String pidNamespaces(int count) {
    return count > 1 ? count + " (containers: dead processes are not recovered)" : "" + count;
  }

  /** Whether the header names a broadcast file; anything else is left to the ring's checks. */
  private static boolean isBroadcast(Path path) throws IOException {
    if (!Files.isRegularFile(path)) return false;
    byte[] start = new byte[12];
    try (InputStream in = Files.newInputStream(path)) {
      if (in.readNBytes(start, 0, 12) < 12) return false;
    }
    return new String(start, 8, 4, StandardCharsets.US_ASCII).equals(BroadcastDescriptor.KIND);
  }

  private int broadcast() throws IOException {
    BroadcastStats stats = Broadcast.readStats(file);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("file", file.toString());
    report.put("type", stats.reliable() ? "broadcast-reliable" : "broadcast-lossy");
    report.put("capacity", stats.capacity());
    report.put("transmitterPosition", stats.transmitterPosition());
    report.put("recordsWritten", stats.recordsWritten());
    report.put("bytesWritten", stats.transmitterPosition());
    report.put("backPressureEvents", stats.backPressureEvents());
    report.put("wakeUps", stats.wakeUps());
    report.put("waiters", stats.waiters());
    report.put("droppedReceivers", stats.droppedReceivers());
    report.put("transmitterPid", stats.transmitterPid());
    report.put("transmitterAlive", stats.transmitterAlive());
    List<Map<String, Object>> receivers = new ArrayList<>();
    for (BroadcastStats.Receiver r : stats.receivers()) {
      Map<String, Object> receiver = new LinkedHashMap<>();
      receiver.put("slot", r.slot());
      receiver.put("pid", r.pid());
      receiver.put("position", r.position());
      receiver.put("lag", r.lag());
      receiver.put("lappedCount", r.lappedCount());
      receiver.put("waiting", r.waiting());
      receiver.put("alive", r.alive());
      receivers.add(receiver);
    }
    report.put("receivers", receivers);
    report.put("pidNamespaces", stats.pidNamespaces());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(report, JSON_DECIMALS));
      return 0;
    }
    Table table = new Table("broadcast", file.toString());
    table.row("type", stats.reliable() ? "reliable (waits for the slowest receiver)" : "lossy");
    table.row("capacity", Bytes.format(stats.capacity()));
    table.row("transmitter position", Long.toString(stats.transmitterPosition()));
    table.row("records written", Long.toString(stats.recordsWritten()));
    table.row("bytes written", Bytes.format(stats.transmitterPosition()));
    table.row("back-pressure events", Long.toString(stats.backPressureEvents()));
    table.row("wake-ups", Long.toString(stats.wakeUps()));
    table.row("waiters", Integer.toString(stats.waiters()));
    table.row("dropped receivers", Long.toString(stats.droppedReceivers()));
    table.row(
        "transmitter pid",
        stats.transmitterPid() + (stats.transmitterAlive() ? "" : " (not running)"));
    table.row("pid namespaces", pidNamespaces(stats.pidNamespaces()));
    table.row("receivers", Integer.toString(stats.receivers().size()));
    table.print(out);
    if (!stats.receivers().isEmpty()) {
      out.println();
      Table rows = new Table("slot", "pid", "position", "lag", "lapped", "asleep", "alive");
      for (BroadcastStats.Receiver r : stats.receivers()) {
        rows.row(
            Integer.toString(r.slot()),
            Long.toString(r.pid()),
            Long.toString(r.position()),
            Bytes.format(r.lag()),
            Long.toString(r.lappedCount()),
            r.waiting() ? "yes" : "no",
            r.alive() ? "yes" : "no");
      }
      rows.print(out);
    }
    return 0;
  }
}

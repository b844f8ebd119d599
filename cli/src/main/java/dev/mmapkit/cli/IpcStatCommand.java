package dev.mmapkit.cli;

import static dev.mmapkit.cli.Main.JSON_DECIMALS;

import dev.mmapkit.Bytes;
import dev.mmapkit.internal.Json;
import dev.mmapkit.ipc.RingBufferStats;
import dev.mmapkit.ipc.RingBuffers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mmapkit ipc stat FILE [--json]}: a ring's capacity, positions, backlog, counters, waiters
 * and consumer heartbeat age, read live from the file through a read-only mapping.
 */
@Command(
    name = "stat",
    description =
        "Show a ring buffer's capacity, positions, backlog, counters, waiters and consumer"
            + " heartbeat, read live from the file (read-only).")
final class IpcStatCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "The ring buffer file, e.g. /dev/shm/orders.")
  Path file;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
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
    report.put("bytesWritten", stats.producerPosition());
    report.put("backPressureEvents", stats.backPressureEvents());
    report.put("unblocks", stats.unblocks());
    report.put("wakeUps", stats.wakeUps());
    report.put("waiters", stats.waiters());
    report.put("producers", stats.producers());
    report.put("consumerPid", stats.consumerPid());
    report.put("heartbeatAgeMillis", heartbeatAge);
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
    table.print(out);
    return 0;
  }
}

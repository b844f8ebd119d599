package dev.mmapkit.cli;

import static dev.mmapkit.cli.Main.JSON_DECIMALS;

import dev.mmapkit.Bytes;
import dev.mmapkit.internal.Json;
import dev.mmapkit.log.LogStats;
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
 * {@code mmapkit log stat DIR}: chunk size, positions and disk use of a log, read without opening
 * it for appending (nothing is changed, no recovery runs).
 */
@Command(name = "stat", description = "Show a log's chunk size, positions and disk use.")
final class LogStatCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "The log directory.")
  Path dir;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    LogStats s = LogStats.read(dir);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("directory", s.directory().toString());
    report.put("chunkSize", s.chunkSize());
    report.put("logId", Long.toHexString(s.logId()));
    report.put("firstPosition", s.firstPosition());
    report.put("endPosition", s.endPosition());
    report.put("chunkFiles", s.chunkFiles());
    report.put("diskBytes", s.diskBytes());
    if (json) {
      out.println(Json.write(report, JSON_DECIMALS));
    } else {
      Table table = new Table("field", "value");
      table.row("directory", s.directory().toString());
      table.row("chunk size", Bytes.format(s.chunkSize()));
      table.row("log id", Long.toHexString(s.logId()));
      table.row("first position", Long.toString(s.firstPosition()));
      table.row("end position", Long.toString(s.endPosition()));
      table.row("chunk files", Long.toString(s.chunkFiles()));
      table.row("disk use", Bytes.format(s.diskBytes()));
      table.print(out);
    }
    out.flush();
    return 0;
  }
}

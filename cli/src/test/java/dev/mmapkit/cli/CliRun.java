package dev.mmapkit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs the {@code mmapkit} command in-process, as {@link Main#main} would, capturing its output.
 */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }

  /** The JSON object printed on stdout. */
  java.util.Map<String, Object> json() {
    return JsonParser.object(out.strip());
  }
}

package dev.mmapkit.cli;

import static dev.mmapkit.cli.Main.JSON_DECIMALS;

import dev.mmapkit.Bytes;
import dev.mmapkit.internal.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of {@code warm} and {@code evict}: bytes, time and throughput per file, and a total.
 */
final class PassReport {
  private PassReport() {}

  /** Prints {@code results} as a table or, with {@code json}, as one JSON object. */
  static void print(
      String operation, List<SlicedPass.Result> results, boolean json, PrintWriter out) {
    long bytes = 0;
    long nanos = 0;
    for (SlicedPass.Result r : results) {
      bytes += r.bytes();
      nanos += r.nanos();
    }
    SlicedPass.Result total = new SlicedPass.Result(null, bytes, nanos);
    if (json) {
      List<Object> files = new ArrayList<>();
      for (SlicedPass.Result r : results) files.add(fields(r));
      Map<String, Object> totalJson = new LinkedHashMap<>();
      totalJson.put("files", results.size());
      totalJson.putAll(fields(total));
      totalJson.remove("file");
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("operation", operation);
      root.put("files", files);
      root.put("total", totalJson);
      out.println(Json.write(root, JSON_DECIMALS));
    } else {
      Table table =
          new Table("FILE", operation.toUpperCase(Locale.ROOT) + "ED", "TIME", "THROUGHPUT");
      for (SlicedPass.Result r : results) row(table, r.file().toString(), r);
      if (results.size() > 1) row(table, "total (" + results.size() + " files)", total);
      table.print(out);
    }
    out.flush();
  }

  private static Map<String, Object> fields(SlicedPass.Result r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("file", r.file() == null ? null : r.file().toString());
    o.put("bytes", r.bytes());
    o.put("seconds", r.nanos() / 1e9);
    o.put("bytesPerSec", Math.round(r.bytesPerSec()));
    return o;
  }

  private static void row(Table table, String name, SlicedPass.Result r) {
    table.row(
        name,
        Bytes.format(r.bytes()),
        String.format(Locale.ROOT, "%.3f s", r.nanos() / 1e9),
        Bytes.format(Math.round(r.bytesPerSec())) + "/s");
  }
}

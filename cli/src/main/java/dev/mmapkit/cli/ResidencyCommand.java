package dev.mmapkit.cli;

import static dev.mmapkit.cli.Main.JSON_DECIMALS;

import dev.mmapkit.Bytes;
import dev.mmapkit.MappedFile;
import dev.mmapkit.Residency;
import dev.mmapkit.internal.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mmapkit residency FILE...}: how much of each file is in the page cache, like {@code
 * vmtouch} or {@code fincore}. Mapping a file and asking {@code mincore} reads nothing from disk,
 * so this does not change what it measures.
 */
@Command(
    name = "residency",
    description = "Show how much of each file is in the page cache (like vmtouch/fincore).")
final class ResidencyCommand implements Callable<Integer> {
  /** Reported for empty files, which cannot be mapped to ask the kernel; they have no pages. */
  private static final long FALLBACK_PAGE_SIZE = 4096;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to inspect.")
  List<Path> files;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  /** One file's residency. */
  record FileResidency(Path file, long size, Residency residency) {}

  @Override
  public Integer call() throws IOException {
    for (Path f : files) InputFile.check(f);
    List<FileResidency> results = new ArrayList<>();
    for (Path f : files) results.add(measure(f));
    PrintWriter out = spec.commandLine().getOut();
    if (json) out.println(Json.write(toJson(results), JSON_DECIMALS));
    else printTable(results, out);
    out.flush();
    return 0;
  }

  static FileResidency measure(Path file) throws IOException {
    long size = Files.size(file);
    if (size == 0) return new FileResidency(file, 0, new Residency(FALLBACK_PAGE_SIZE, 0, 0));
    try (MappedFile mapped = MappedFile.open(file)) {
      Residency r =
          mapped
              .residency()
              .orElseThrow(() -> NativeAccessRequired.exception(file, "page-cache residency"));
      return new FileResidency(file, mapped.size(), r);
    }
  }

  private static Residency total(List<FileResidency> results) {
    long pageSize =
        results.stream()
            .filter(r -> r.size() > 0)
            .mapToLong(r -> r.residency().pageSize())
            .findFirst()
            .orElse(FALLBACK_PAGE_SIZE);
    Residency total = new Residency(pageSize, 0, 0);
    for (FileResidency r : results) total = total.plus(r.residency());
    return total;
  }

  private static Map<String, Object> toJson(List<FileResidency> results) {
    List<Object> list = new ArrayList<>();
    long size = 0;
    for (FileResidency r : results) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("file", r.file().toString());
      o.put("size", r.size());
      fields(r.residency(), o);
      list.add(o);
      size += r.size();
    }
    Map<String, Object> total = new LinkedHashMap<>();
    total.put("files", results.size());
    total.put("size", size);
    fields(total(results), total);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("files", list);
    root.put("total", total);
    return root;
  }

  private static void fields(Residency r, Map<String, Object> o) {
    o.put("pageSize", r.pageSize());
    o.put("pages", r.pages());
    o.put("residentPages", r.residentPages());
    o.put("residentBytes", r.residentBytes());
    o.put("percent", 100 * r.fraction());
  }

  private static void printTable(List<FileResidency> results, PrintWriter out) {
    Table table = new Table("FILE", "SIZE", "PAGES", "RESIDENT PAGES", "RESIDENT", "PERCENT");
    long size = 0;
    for (FileResidency r : results) {
      row(table, r.file().toString(), r.size(), r.residency());
      size += r.size();
    }
    if (results.size() > 1)
      row(table, "total (" + results.size() + " files)", size, total(results));
    table.print(out);
  }

  private static void row(Table table, String name, long size, Residency r) {
    table.row(
        name,
        Bytes.format(size),
        Long.toString(r.pages()),
        Long.toString(r.residentPages()),
        Bytes.format(r.residentBytes()),
        String.format(Locale.ROOT, "%.1f%%", 100 * r.fraction()));
  }
}

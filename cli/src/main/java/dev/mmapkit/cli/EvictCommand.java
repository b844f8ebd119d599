package dev.mmapkit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mmapkit evict FILE...}: drops files' pages from the page cache, e.g. to measure a cold
 * start. Dirty pages are written back first ({@link dev.mmapkit.MappedFile#evict}).
 *
 * <p><b>NOTE</b>: pages that another process has mapped stay resident.
 */
@Command(
    name = "evict",
    description =
        "Drop files' pages from the page cache, in 64 MiB slices. Dirty pages are written back"
            + " first; pages mapped by other processes stay.")
final class EvictCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to evict.")
  List<Path> files;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<SlicedPass.Result> results =
        SlicedPass.runAll(
            files,
            "evict",
            spec.commandLine().getErr(),
            (file, offset, length) -> {
              if (!file.evict(offset, length)) {
                throw NativeAccessRequired.exception(file.path(), "evicting from the page cache");
              }
            });
    PassReport.print("evict", results, json, spec.commandLine().getOut());
    return 0;
  }
}

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
 * {@code mmapkit warm FILE...}: reads files into the page cache ({@code MADV_POPULATE_READ}, or a
 * read per page on kernels before 5.14), so that the first real reads after, say, a restart do not
 * wait for the disk.
 */
@Command(name = "warm", description = "Read files into the page cache, in 64 MiB slices.")
final class WarmCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to warm.")
  List<Path> files;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<SlicedPass.Result> results =
        SlicedPass.runAll(
            files,
            "warm",
            spec.commandLine().getErr(),
            (file, offset, length) -> file.warm(offset, length));
    PassReport.print("warm", results, json, spec.commandLine().getOut());
    return 0;
  }
}

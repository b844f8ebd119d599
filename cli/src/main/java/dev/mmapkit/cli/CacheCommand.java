package dev.mmapkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mmapkit cache ...}: tools for {@code SharedCache} files. */
@Command(
    name = "cache",
    description = "Inspect SharedCache files.",
    subcommands = {CacheStatCommand.class})
final class CacheCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Without a subcommand there is nothing to do but show what there is. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}

/** The {@code mmapkit} command line: benchmarks on your files and page-cache tools. */
module dev.mmapkit.cli {
  requires dev.mmapkit.core;
  requires dev.mmapkit.ipc;
  requires dev.mmapkit.log;
  requires dev.mmapkit.cache;
  requires info.picocli;

  opens dev.mmapkit.cli to
      info.picocli;
}

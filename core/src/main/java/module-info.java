/**
 * mmapkit core: memory-mapped files of any size with access advice, ranged durability, page-cache
 * residency and growth without remapping, on the FFM API.
 *
 * <p>Grant native access to this module only: {@code --enable-native-access=dev.mmapkit.core}.
 * Without it, mapping still works; advice, residency and ranged write-back answer "unsupported" and
 * one warning names the flag.
 */
module dev.mmapkit.core {
  exports dev.mmapkit;
  // The native layer, file headers and process identity, for mmapkit's own modules only.
  exports dev.mmapkit.internal to
      dev.mmapkit.cache,
      dev.mmapkit.ipc,
      dev.mmapkit.log,
      dev.mmapkit.cli;
}

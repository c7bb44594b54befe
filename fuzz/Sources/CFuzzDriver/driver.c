// SwiftPM links every Linux executable with `--defsym main=<Module>_main` (so that tests can
// import executables), and under -parse-as-library Swift emits no such symbol, so linking a
// libFuzzer target fails with "undefined symbol 'JSONFuzz_main'". This defines it and hands
// control to libFuzzer's driver, exactly what libFuzzer's own main() does.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int JSONFuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}

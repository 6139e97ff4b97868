package org.ocs4j.eval;

import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * Where a result came from: written beside every table and report so a number can be traced and repeated.
 *
 * @param timestamp     when the result was made (UTC, ISO-8601)
 * @param command       the command line or API call that made it
 * @param modelSha256   SHA-256 of the input model file, or {@code "in-memory"}
 * @param seed          the seed of every random choice (inputs, calibration)
 * @param settings      the settings, as their {@code toString()}
 * @param ocs4jVersion  ocs4j's version
 * @param dl4jVersion   the DL4J/ND4J version ocs4j was built against
 * @param javaVersion   the JVM's version and vendor
 * @param backend       the ND4J backend class (CPU or CUDA), the natives JavaCPP loaded (e.g. {@code linux-x86_64},
 *                      generic, or {@code linux-x86_64-onednn-avx2}) and the device (GPU names, or the CPU's BLAS)
 * @param cpu           the processor model
 * @param os            operating system and architecture
 */
public record Provenance(String timestamp, String command, String modelSha256, long seed, String settings,
                         String ocs4jVersion, String dl4jVersion, String javaVersion, String backend, String cpu,
                         String os) {

    /** Captures the environment of this run. */
    public static Provenance capture(String command, String modelSha256, long seed, String settings) {
        Properties versions = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/org/ocs4j/version.properties")) {
            if (in != null) versions.load(in);
        } catch (IOException ignored) {
            // Versions stay "unknown": provenance must never make a run fail.
        }
        return new Provenance(Instant.now().toString(), command, modelSha256, seed, settings,
                versions.getProperty("ocs4j.version", "unknown"), versions.getProperty("dl4j.version", "unknown"),
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                Nd4j.getBackend().getClass().getSimpleName() + " (natives " + natives() + "; device " + device() + ")",
                cpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    /**
     * @return the device ND4J computes on, as its executioner reports it: the GPU names on the CUDA backend, the BLAS
     * library and thread count on the CPU backend
     */
    static String device() {
        try {
            java.util.Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
            Object gpus = env.get(org.nd4j.linalg.api.environment.Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY);
            if (gpus instanceof java.util.List<?> list && !list.isEmpty()) {
                return list.stream().map(d -> d instanceof java.util.Map<?, ?> m
                        ? String.valueOf(m.get(org.nd4j.linalg.api.environment.Nd4jEnvironment.CUDA_DEVICE_NAME_KEY))
                        : String.valueOf(d)).collect(java.util.stream.Collectors.joining(", ", "GPU ", ""));
            }
            return "CPU, BLAS " + env.getOrDefault(org.nd4j.linalg.api.environment.Nd4jEnvironment.BLAS_VENDOR_KEY,
                    "unknown") + ", " + env.getOrDefault(org.nd4j.linalg.api.environment.Nd4jEnvironment.OMP_THREADS_KEY,
                    "?") + " threads";
        } catch (RuntimeException e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** @return the platform folder of the ND4J native library JavaCPP loaded (e.g. {@code linux-x86_64-onednn-avx2}) */
    static String natives() {
        Nd4j.getBackend(); // loads the natives if nothing has yet
        for (java.util.Map.Entry<String, String> e : org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet()) {
            String name = e.getKey();
            if (name.startsWith("nd4j") && e.getValue() != null) {
                Path lib = Path.of(e.getValue());
                return lib.getParent() == null ? e.getValue() : lib.getParent().getFileName().toString();
            }
        }
        return "unknown";
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim() + " × "
                                + Runtime.getRuntime().availableProcessors();
                    }
                }
            }
        } catch (IOException ignored) {
            // Fall through to the architecture name.
        }
        return System.getProperty("os.arch") + " × " + Runtime.getRuntime().availableProcessors();
    }
}

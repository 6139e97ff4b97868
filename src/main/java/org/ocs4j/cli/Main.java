package org.ocs4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.InputStream;
import java.util.Properties;

/**
 * The {@code ocs4j} command line: {@code zoo}, {@code widen}, {@code eval}, {@code quantize}, {@code tensor}, {@code demo}. Errors in the user's input end with a
 * one-line reason on stderr and exit code 1 (2 for bad arguments); results go to stdout.
 */
@Command(name = "ocs4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Outlier Channel Splitting for Deeplearning4j models (Zhao et al., ICML 2019).",
        subcommands = {ZooCommand.class, WidenCommand.class, EvalCommand.class, QuantizeCommand.class, SweepCommand.class, InspectCommand.class, TensorCommand.class, TrainCommand.class,
                DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and jshell). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof java.io.IOException) {
                commandLine.getErr().println("ocs4j " + commandLine.getCommandName() + ": error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** Reads the version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/org/ocs4j/version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"ocs4j " + p.getProperty("ocs4j.version", "unknown") + " (DL4J "
                    + p.getProperty("dl4j.version", "unknown") + ")"};
        }
    }
}

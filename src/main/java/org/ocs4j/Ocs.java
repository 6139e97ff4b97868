package org.ocs4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.eval.ClassificationResult;
import org.ocs4j.eval.ClassifierEvaluator;
import org.ocs4j.eval.PerplexityEvaluator;
import org.ocs4j.eval.PerplexityResult;
import org.ocs4j.eval.Provenance;
import org.ocs4j.exec.Executor;
import org.ocs4j.graph.InputShape;
import org.ocs4j.graph.Networks;
import org.ocs4j.imports.ModelLoader;
import org.ocs4j.pipeline.CalibrationData;
import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.pipeline.Pipeline;
import org.ocs4j.pipeline.Work;
import org.ocs4j.progress.Progress;
import org.ocs4j.sweep.SweepRunner;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The entry point of ocs4j: weight and activation OCS, simulated fixed point, evaluation and sweeps, all driven by
 * one {@link OcsConfig}.
 *
 * <pre>{@code
 * OcsConfig cfg = OcsConfig.builder().weightBits(6).activationBits(8).weightClip(ClipMethod.MSE)
 *         .expandRatio(0.02).build();
 * OcsModel<MultiLayerNetwork> q = Ocs.of(net).config(cfg).calibrateOn(trainBatches).quantize();
 * q.model();  q.report();  q.provenance();
 * OcsModel<MultiLayerNetwork> w = Ocs.of(net).config(cfg).widen();   // FP32, same function
 * w.checkIdentity(inputs);
 * ClassificationResult acc = Ocs.evaluateClassifier(q.model(), testBatches);
 * SweepResult table = Ocs.sweep(net).config(SweepConfig.paper()).classifier(testBatches, "test set")
 *         .calibrateOn(trainBatches, "4 random training batches").run(dir);
 * }</pre>
 *
 * <p>Builder convention: every setter is optional, named after what it sets, and returns the builder; the terminal
 * call ({@code widen()}, {@code quantize()}, {@code run(dir)}) does the work. Values are validated when the
 * {@link OcsConfig} is built, before any work starts. The input model is never modified.
 */
public final class Ocs {

    private Ocs() {
    }

    /** Starts work on a MultiLayerNetwork; the results are MultiLayerNetworks. */
    public static Job<MultiLayerNetwork> of(MultiLayerNetwork model) {
        return new Job<>(model);
    }

    /** Starts work on a ComputationGraph; the results are ComputationGraphs. */
    public static Job<ComputationGraph> of(ComputationGraph model) {
        return new Job<>(model);
    }

    /**
     * Starts work on a model whose kind is known only at run time (a loaded file, say).
     *
     * @throws IllegalArgumentException when it is neither a MultiLayerNetwork nor a ComputationGraph
     */
    public static Job<Model> ofModel(Model model) {
        if (!(model instanceof MultiLayerNetwork) && !(model instanceof ComputationGraph)) {
            throw new IllegalArgumentException("ocs4j works on a MultiLayerNetwork or ComputationGraph, not "
                    + (model == null ? "null" : model.getClass().getSimpleName()));
        }
        return new Job<>(model);
    }

    /**
     * Loads a model file: a DL4J zip (MultiLayerNetwork or ComputationGraph), a Keras HDF5 model or a TF-slim MobileNet
     * v1 frozen graph.
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable or not a model
     */
    public static Model load(Path file) {
        return ModelLoader.load(file);
    }

    /** Top-1/top-5 accuracy of an image classifier on a labelled set held in memory, through the fast executor. */
    public static ClassificationResult evaluateClassifier(Model model, org.nd4j.linalg.dataset.DataSet test) {
        return ClassifierEvaluator.evaluate(model, test, 256, Executor.FAST);
    }

    /**
     * Top-1/top-5 accuracy of an image classifier on labelled batches, through the fast executor.
     *
     * @param data one-hot labelled batches; reset before use
     */
    public static ClassificationResult evaluateClassifier(Model model, DataSetIterator data) {
        return ClassifierEvaluator.evaluate(model, data, 0, 0, Executor.FAST, Progress.NONE);
    }

    /**
     * Perplexity of a language model over every token of a stream, state carried across windows, through the fast
     * executor.
     *
     * @param tokens     token ids
     * @param startToken the token predicted from (e.g. the end-of-sentence id)
     * @param window     tokens per forward pass
     */
    public static PerplexityResult evaluateLanguageModel(Model model, int[] tokens, int startToken, int window) {
        return PerplexityEvaluator.evaluate(model, tokens, startToken, window, Executor.FAST, Progress.NONE);
    }

    /** Starts a paper-style sweep (bits × method table) of a model: see {@link SweepRunner}. */
    public static SweepRunner sweep(Model model) {
        return new SweepRunner(model);
    }

    /**
     * Work on one model being configured.
     *
     * @param <M> the model type, kept by the results
     */
    public static final class Job<M extends Model> {
        private final M model;
        private OcsConfig config = OcsConfig.defaults();
        private CalibrationData calibration;
        private Path calibrationCache;
        private Progress progress = Progress.NONE;
        private InputShape[] inputShapes = new InputShape[0];
        private String command = "ocs4j API (Ocs.of(...))";
        private String modelId = "in-memory";

        private Job(M model) {
            if (model == null) {
                throw new IllegalArgumentException("model is null");
            }
            this.model = model;
        }

        /** @param config what to do; default {@link OcsConfig#defaults()} */
        public Job<M> config(OcsConfig config) {
            if (config == null) {
                throw new IllegalArgumentException("config is null: use OcsConfig.defaults() or OcsConfig.builder()");
            }
            this.config = config;
            return this;
        }

        /**
         * @param batches calibration batches (features only are read), resettable; draw them from training data, not
         *                from the data the result is evaluated on
         */
        public Job<M> calibrateOn(DataSetIterator batches) {
            return calibrateOn(batches, null);
        }

        /**
         * @param batches     calibration batches, as {@link #calibrateOn(DataSetIterator)}
         * @param description what they are (data, how drawn, seed, batch size): recorded in reports and calibration
         *                    caches, which are refused by a run that describes its data otherwise
         */
        public Job<M> calibrateOn(DataSetIterator batches, String description) {
            this.calibration = batches == null ? null : new CalibrationData(batches, description);
            return this;
        }

        /**
         * @param file calibration statistics (JSON): read when it exists (refused when made for another model),
         *             written after calibrating when it does not
         */
        public Job<M> calibrationCache(Path file) {
            this.calibrationCache = file;
            return this;
        }

        /** @param progress told of every long step; default none */
        public Job<M> progress(Progress progress) {
            this.progress = progress == null ? Progress.NONE : progress;
            return this;
        }

        /** @param dims the input shape without batch, {@code C,H,W} or {@code N}: gives multiply-add counts */
        public Job<M> inputShape(long... dims) {
            this.inputShapes = new InputShape[] {InputShape.of(dims)};
            return this;
        }

        /** @param shapes one shape per network input, for multi-input graphs */
        public Job<M> inputShapes(InputShape... shapes) {
            this.inputShapes = shapes.clone();
            return this;
        }

        /**
         * @param command the command or call to record in the provenance
         * @param modelId the model's identity there (e.g. its file's SHA-256)
         */
        public Job<M> describedAs(String command, String modelId) {
            this.command = command;
            this.modelId = modelId;
            return this;
        }

        /** Weight OCS alone: a new, wider model computing the same FP32 function. */
        public OcsModel<M> widen() {
            return run(Pipeline.widening());
        }

        /**
         * Simulated fixed point: activation OCS, weight OCS, fake-quantized weights and calibrated activation
         * quantizers, as the configuration asks.
         *
         * @throws IllegalArgumentException when activations are quantized and neither calibration data nor an
         *                                  existing calibration cache is given
         */
        public OcsModel<M> quantize() {
            return run(Pipeline.quantization());
        }

        @SuppressWarnings("unchecked")
        private OcsModel<M> run(Pipeline pipeline) {
            // a language model's input types are not images or features (its multiply-adds are not counted)
            InputType[] types = Networks.tokenVocabulary(model) > 0 ? new InputType[0]
                    : Arrays.stream(inputShapes).map(InputShape::toInputType).toArray(InputType[]::new);
            Work w = pipeline.run(new Work(config, model, calibration, calibrationCache, progress, types));
            OcsReport report = new OcsReport(config, w.widening(), w.activationSplitting(), w.layers(),
                    w.calibrationUsed(), w.identity(), w.preparation());
            return new OcsModel<>((M) w.model(), model, report,
                    Provenance.capture(command, modelId, config.seed(), config.describe()));
        }

        @Override
        public String toString() {
            return "Ocs.Job[" + model.getClass().getSimpleName() + ", " + config + "]";
        }
    }
}

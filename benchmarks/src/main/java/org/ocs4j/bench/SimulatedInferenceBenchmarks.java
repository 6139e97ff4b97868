package org.ocs4j.bench;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.progress.Progress;
import org.ocs4j.quant.ModelQuantizer;
import org.ocs4j.quant.QuantizeSettings;
import org.ocs4j.zoo.ZooModels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue #3 target: inference of the W8A8-simulated zoo ResNet50 (fake-quant layers at every quantized layer's
 * input) costs ≤ 1.15× the plain FP32 DL4J forward, batch 16. Same fork, same inputs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=10g",
        "-Dorg.bytedeco.javacpp.maxphysicalbytes=16g"})
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
public class SimulatedInferenceBenchmarks {

    ComputationGraph fp32;
    ComputationGraph w8a8;
    INDArray batch;

    @Setup(Level.Trial)
    public void setUp() {
        fp32 = (ComputationGraph) ZooModels.create("resnet50", 1);
        Nd4j.getRandom().setSeed(2);
        batch = Nd4j.randn(DataType.FLOAT, 16, 3, 224, 224);
        DataSet calibration = new DataSet(Nd4j.randn(DataType.FLOAT, 8, 3, 224, 224), Nd4j.zeros(DataType.FLOAT, 8, 1));
        w8a8 = (ComputationGraph) ModelQuantizer.quantize(fp32, QuantizeSettings.of(8, 8),
                new ListDataSetIterator<>(List.of(calibration), 1), Progress.NONE).model();
    }

    @Benchmark
    public INDArray forwardFp32() {
        return fp32.outputSingle(batch);
    }

    @Benchmark
    public INDArray forwardW8A8() {
        return w8a8.outputSingle(batch);
    }
}

// ocs4j in jshell: the common imports. Loaded by bin/ocs4j-jshell.
import java.nio.file.*;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.OcsReport;
import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.quant.Clip;
import org.ocs4j.quant.ClipMethod;
import org.ocs4j.graph.InputShape;
import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.data.*;
import org.ocs4j.sweep.*;
import org.ocs4j.progress.Progress;

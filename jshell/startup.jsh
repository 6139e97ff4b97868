// ocs4j in jshell: the common imports. Loaded by bin/ocs4j-jshell.
import java.nio.file.*;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.*;
import org.ocs4j.data.*;
import org.ocs4j.eval.*;
import org.ocs4j.graph.*;
import org.ocs4j.imports.*;
import org.ocs4j.io.*;
import org.ocs4j.quant.*;
import org.ocs4j.rewrite.*;
import org.ocs4j.zoo.*;
import org.ocs4j.progress.Progress;

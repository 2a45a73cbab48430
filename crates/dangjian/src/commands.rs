//! The subcommands.

use std::{process::ExitCode, sync::Arc};

use anyhow::Context;
use dangjian_domain::clock;
use dangjian_search::{SearchIndex, WriterOptions};
use dangjian_store::{Db, articles};
use dangjian_web::{AppState, media_store::MediaStore, search_feed};

use crate::{
    accounts::{admin_create, bootstrap_admin, demo_officer},
    cli::{AdminCommand, AuditCommand, Command, DemoArgs, ServeArgs},
    config::Config,
    progress,
};

/// Articles `serve --demo` generates on an empty database.
const SERVE_DEMO_ARTICLES: usize = 300;
/// Party members `serve --demo` generates.
const SERVE_DEMO_MEMBERS: usize = 3000;

pub async fn dispatch(cmd: Command, cfg: Config) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Serve(args) => serve(args, cfg).await,
        Command::Migrate => {
            let db = Db::open(&cfg.connect_options(true)).await?;
            println!("数据库已是最新版本 (migrations applied, backend {:?})", db.backend());
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin(AdminCommand::Create(args)) => {
            let db = Db::open(&cfg.connect_options(false)).await?;
            let r = admin_create(&db, &args).await;
            db.close().await;
            r.map(|_| ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify) => {
            let db = Db::open(&cfg.connect_options(false)).await?;
            let r = dangjian_store::audit::verify(&db).await;
            db.close().await;
            match r? {
                Ok(n) => {
                    println!("审计日志完整：共 {n} 条记录，哈希链无断裂 (audit chain intact, {n} records)");
                    Ok(ExitCode::SUCCESS)
                }
                Err(b) => {
                    println!("审计日志被篡改：第 {} 条记录起链条断裂 (broken at record {}: {})", b.id, b.id, b.reason);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Reindex => {
            let db = Db::open(&cfg.connect_options(false)).await?;
            let r = reindex(&db, &cfg).await;
            db.close().await;
            r.map(|_| ExitCode::SUCCESS)
        }
        Command::Demo(args) => {
            let db = Db::open(&cfg.connect_options(true)).await?;
            let r = demo(&db, &cfg, &args).await;
            db.close().await;
            r.map(|_| ExitCode::SUCCESS)
        }
    }
}

async fn demo(db: &Db, cfg: &Config, args: &DemoArgs) -> anyhow::Result<()> {
    if args.articles == 0 {
        anyhow::bail!("--articles must be at least 1");
    }
    let pb = progress::bar(args.articles as u64, "生成演示数据");
    let started = std::time::Instant::now();
    let opts = dangjian_demo::DemoOptions { articles: args.articles, seed: args.seed, now_micros: clock::now_micros() };
    let summary = dangjian_demo::generate(db, &opts, &|done, _total| pb.set_position(done))
        .await
        .context("demo generation failed")?;
    pb.finish_and_clear();
    println!(
        "已生成演示数据：{} 个栏目、{} 篇文章（{} 篇已发布），用时 {:.1} 秒",
        summary.channels,
        summary.articles,
        summary.published,
        started.elapsed().as_secs_f64()
    );
    // One web configuration for the demo's files: building it looks for ffmpeg.
    let web = cfg.web_config()?;
    let docs = crate::demo_documents::generate(db, &web.documents_dir).await.context("demo documents")?;
    if docs > 0 {
        println!("已在资料中心生成 {docs} 份演示资料");
    }
    let store = MediaStore::open(web.media_url.as_deref(), &web.media_dir, &web.media_dir.join(".incoming"))
        .map_err(anyhow::Error::msg)?;
    let covers = crate::demo_videos::covers(db, &store).await.context("demo covers")?;
    let videos = crate::demo_videos::generate(db, &store, &web.video_tools).await.context("demo videos")?;
    match (videos, web.video_tools.ffmpeg.is_some()) {
        (0, false) => println!("已为 {covers} 篇文章生成封面图；未找到 ffmpeg，视频点播暂无演示视频"),
        (n, _) => println!("已为 {covers} 篇文章生成封面图，在视频点播生成 {n} 段演示视频"),
    }
    db.analyze().await?;
    if args.members > 0 {
        let key = load_pii_key(cfg, db).await?;
        let pb = progress::bar(args.members as u64, "生成党组织和党员");
        let started = std::time::Instant::now();
        let today = clock::from_micros(clock::now_micros()).date();
        let opts = dangjian_demo::PlatformOptions {
            members: args.members,
            seed: args.seed,
            today,
            now_micros: clock::now_micros(),
        };
        let p = dangjian_demo::generate_platform(db, &key, &opts, &|done, _| pb.set_position(done))
            .await
            .context("demo organisations and members")?;
        pb.finish_and_clear();
        println!(
            "已生成 {} 个党组织（其中党支部 {} 个）、{} 名党员，用时 {:.1} 秒",
            p.organisations,
            p.branches,
            p.members,
            started.elapsed().as_secs_f64()
        );
        let e = dangjian_demo::generate_evaluation(
            db,
            &dangjian_demo::EvalOptions { seed: args.seed, today, now_micros: clock::now_micros() },
        )
        .await
        .context("demo evaluation data")?;
        println!(
            "已生成达标定级 {} 份（其中取消等次 {} 个支部）、党性积分记录 {} 条、民主评议 {} 个支部",
            e.assessments, e.removals, e.ledger_lines, e.appraisal_rounds
        );
        let k = dangjian_demo::kaohe_demo::generate_kaohe(db, args.seed, today.year() - 1, clock::now_micros())
            .await
            .context("demo 党建考核 scheme")?;
        println!("已生成 1 个已公布的党建考核方案：{} 个考核对象、{} 张评价票", k.subjects, k.ballots);
        let q = dangjian_demo::quiz_demo::generate_quizzes(db, args.seed, today, clock::now_micros())
            .await
            .context("demo 知识测试")?;
        println!("已生成知识测试 {} 个、答卷 {} 份（计入党性积分 {} 条）", q.quizzes, q.attempts, q.ledger_lines);
        let v = dangjian_demo::volunteer_demo::generate_volunteer(db, args.seed, today.year() - 1, clock::now_micros())
            .await
            .context("demo 志愿服务")?;
        println!("已生成志愿服务活动 {} 个、参加 {} 人次", v.activities, v.participants);
    }
    Ok(())
}

/// Opens `<data>/index` with the settings of a bulk load.
fn open_index(cfg: &Config, opts: WriterOptions) -> anyhow::Result<dangjian_search::Opened> {
    let dir = cfg.data.join("index");
    SearchIndex::open_or_create(&dir, opts).with_context(|| format!("search index {}", dir.display()))
}

/// Replaces the index with every published article, with a progress bar.
async fn rebuild_index(db: &Db, index: &Arc<SearchIndex>) -> anyhow::Result<u64> {
    let total = dangjian_store::outbox::count_published(db).await?;
    let pb = progress::bar(total.max(0) as u64, "重建搜索索引");
    let started = std::time::Instant::now();
    let n = search_feed::rebuild(db, index, &|done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })
    .await
    .context("rebuilding the search index")?;
    pb.finish_and_clear();
    println!(
        "搜索索引已重建：{n} 篇已发布文章，用时 {:.1} 秒 ({})",
        started.elapsed().as_secs_f64(),
        index.dir().display()
    );
    Ok(n)
}

async fn reindex(db: &Db, cfg: &Config) -> anyhow::Result<()> {
    let opened = open_index(cfg, WriterOptions::bulk())?;
    rebuild_index(db, &Arc::new(opened.index)).await.map(|_| ())
}

async fn serve(args: ServeArgs, cfg: Config) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let db = Db::open(&cfg.connect_options(args.demo)).await?;
    if args.demo && articles::count_all(&db).await? == 0 {
        demo(&db, &cfg, &DemoArgs { articles: SERVE_DEMO_ARTICLES, seed: 20211, members: SERVE_DEMO_MEMBERS }).await?;
    }
    let listener =
        tokio::net::TcpListener::bind(&cfg.listen).await.with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    bootstrap_admin(&db).await?;
    if args.demo {
        demo_officer(&db).await?;
    }
    let mut web = cfg.web_config()?;
    web.pii = Some(load_pii_key(&cfg, &db).await?);
    // The search index is a cache of the database: rebuilt when missing (first start,
    // `serve --demo`, a new node), then fed from the outbox every second.
    let opened = open_index(&cfg, WriterOptions::default())?;
    let index = Arc::new(opened.index);
    if opened.created {
        rebuild_index(&db, &index).await?;
    }
    let state = AppState::new(db.clone(), web).with_search(index.clone());
    // A bad `--media` is reported now, not at the first upload.
    let media = state.media().map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(media = %media.describe(), ffmpeg = state.config.video_tools.ffmpeg.is_some(), "media store");

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let views = state.views.clone();
    let flush_db = db.clone();
    let interval = state.config.flush_interval;
    let jobs_rx = stop_rx.clone();
    let flusher = tokio::spawn(async move { views.run(flush_db, interval, stop_rx).await });
    let feed_rx = jobs_rx.clone();
    let jobs = tokio::spawn(dangjian_web::jobs::run(state.clone(), std::time::Duration::from_secs(5), jobs_rx));
    let feed = tokio::spawn(search_feed::run(db.clone(), index, search_feed::POLL_INTERVAL, feed_rx));

    let app = dangjian_web::router(state);
    println!("门户已启动：http://{addr}/  (按 Ctrl+C 停止)");
    tracing::info!(%addr, ms = started.elapsed().as_millis() as u64, "listening");
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await.context("server failed")?;

    // Stop taking requests first, then write what is pending, then close the pool.
    let _ = stop_tx.send(true);
    let _ = flusher.await;
    let _ = jobs.await;
    let _ = feed.await;
    db.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// The key for members' personal data: `<data>/pii.key` (or `pii_key_file`). A new key
/// is made only while no member is stored: with members present, a missing key file is
/// an error, because a new key could not read what the old one encrypted.
pub async fn load_pii_key(cfg: &Config, db: &Db) -> anyhow::Result<dangjian_pii::PiiKey> {
    let path = cfg.pii_key_file.clone().unwrap_or_else(|| cfg.data.join("pii.key"));
    let empty = member_count(db).await? == 0;
    let (key, created) = dangjian_pii::PiiKey::load_or_create(&path, empty).with_context(|| {
        format!("personal-data key {} (needed to read members' ID numbers and phones)", path.display())
    })?;
    if created {
        println!(
            "已生成党员个人信息加密密钥：{}。请妥善备份，丢失后将无法读取已加密的身份证号和手机号。",
            path.display()
        );
    }
    Ok(key)
}

async fn member_count(db: &Db) -> anyhow::Result<i64> {
    Ok(dangjian_store::members::counts(db).await?.iter().map(|(_, _, n)| n).sum())
}

/// Resolves on Ctrl+C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

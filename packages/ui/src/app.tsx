/** The app shell: top bar and the page the URL names. */
import { ActingAs } from './components/acting-as';
import { Link } from './components/link';
import { Empty } from './components/states';
import { ComparePage } from './features/compare/compare-page';
import { ExperimentsPage } from './features/experiments/experiments-page';
import { CompareVersionsPage } from './features/registry/compare-versions-page';
import { ModelPage } from './features/registry/model-page';
import { ModelsPage } from './features/registry/models-page';
import { VersionPage } from './features/registry/version-page';
import { RunPage } from './features/run/run-page';
import { RunsPage } from './features/runs/runs-page';
import { AuditLogPage } from './features/registry/audit-log-page';
import { paths, useLocation, type Route } from './lib/router';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'experiments':
      return <ExperimentsPage />;
    case 'runs':
      return <RunsPage key={route.experimentId} experimentId={route.experimentId} />;
    case 'compare':
      return <ComparePage experimentId={route.experimentId} />;
    case 'run':
      return <RunPage key={route.runId} runId={route.runId} />;
    case 'models':
      return <ModelsPage />;
    case 'model':
      return <ModelPage key={route.name} name={route.name} />;
    case 'model-version':
      return <VersionPage key={`${route.name}/${route.version}`} name={route.name} version={route.version} />;
    case 'compare-versions':
      return <CompareVersionsPage key={route.name} name={route.name} />;
    case 'registry-audit':
      return <AuditLogPage />;
    case 'not-found':
      return (
        <div className="page">
          <Empty title="There is no page here">
            <Link href={paths.experiments()}>Go to the experiments</Link>
          </Empty>
        </div>
      );
  }
}

const MODEL_PAGES = new Set<Route['page']>(['models', 'model', 'model-version', 'compare-versions']);

export function App() {
  const { route } = useLocation();
  return (
    <>
      <nav className="topbar">
        <Link href={paths.experiments()} className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          Loom
        </Link>
        <Link href={paths.experiments()} className={`topnav${route.page === 'experiments' ? ' active' : ''}`}>
          Experiments
        </Link>
        <Link href={paths.models()} className={`topnav${MODEL_PAGES.has(route.page) ? ' active' : ''}`}>
          Models
        </Link>
        <Link
          href={paths.registryAudit()}
          className={`topnav${route.page === 'registry-audit' ? ' active' : ''}`}
        >
          Registry audit
        </Link>
        <span className="topbar-spacer" />
        <ActingAs />
        <a
          className="topnav"
          href="https://mlflow.org/docs/latest/rest-api.html"
          target="_blank"
          rel="noreferrer"
        >
          API
        </a>
      </nav>
      <main>
        <Page route={route} />
      </main>
    </>
  );
}
